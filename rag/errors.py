"""The project's exceptions. The API maps each class to one HTTP status in one place (api/errors.py)."""


class RagError(Exception):
    """Base of every error the library raises on purpose; its message is shown to the user as is."""


class InvalidInputError(RagError):
    """The caller sent something unusable: an empty question, a bad parameter, a malformed file."""


class UnsupportedFileError(InvalidInputError):
    """A file whose type the loaders do not read."""


class DocumentLoadError(InvalidInputError):
    """A file of a supported type that could not be read: undecodable, empty, corrupt or encrypted."""


class NotFoundError(RagError):
    """A document id or other named thing that does not exist."""


class IndexMismatchError(RagError):
    """The index on disk was built with another embedder or format: using it would give garbage."""


class IndexBusyError(RagError):
    """Another writer holds the index lock and did not release it in time."""


class IndexUnavailableError(RagError):
    """The index's database cannot be reached (down, restarting, network): worth a retry, not a bug."""


class IndexCorruptError(RagError):
    """The index on disk failed its consistency check."""


class MissingDependencyError(RagError):
    """An optional dependency is not installed; the message says what to install."""
