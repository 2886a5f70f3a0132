"""Small documents whose meaning is in their layout: Markdown and plain-text definitions, tables and lists.

Shared by the library, CLI and HTTP tests of structure-aware answers (tests/rag/test_answer_structure.py,
tests/api/test_api_structure.py). Each question names what the answer must lead with and a phrase of the
description that its first citation must hold.
"""

from __future__ import annotations

MARKDOWN = """# pathkit — path helpers

The pathkit module joins, splits and normalises file system paths on every platform it supports.

## Functions

### pathkit.join(path, *paths)

Join one or more path components with the separator of the running system.
Later absolute components discard the ones before them.

### pathkit.splitext(path)

Split the path into a root and an extension that starts with a dot.

### Walking a tree

pathkit.walk(top, follow=False)

Yield the paths under top, depth first; symbolic links are followed only when follow is true.

## Glossary

Root directory
: The top of the file system tree, from which every absolute path starts.

Symbolic link
: A file that points at another file by its path; reading it follows the pointer.

**Normalisation**

Removing redundant separators and up-level references so that two spellings of a path compare equal.

`basename`

The final component of a path, after the last separator.

## Options

The command line tool accepts these options:

- `--follow`: resolve symbolic links before printing a path.
- `--strict`: fail when a path component does not exist.
* `--quiet` — print nothing but errors.

## Platforms

| platform | separator | default encoding |
|----------|-----------|------------------|
| Linux    | forward slash | UTF-8 |
| Windows  | backslash | UTF-16 |
"""

PLAIN_TEXT = """PKTOOL(1)

NAME
    pktool - inspect and rewrite file system paths

DESCRIPTION
    pktool prints each PATH after applying the requested rewrites.

OPTIONS
  -a, --absolute    Print every path as an absolute path from the root directory.
  -r, --relative-to=DIRECTORY
          Print every path relative to the directory DIRECTORY instead of the
          current working directory.
  -z, --zero        End each output line with a NUL byte, not a newline.

GLOSSARY
  DANGLING LINK: a symbolic link whose target does not exist, which pktool reports as unreadable.
  DOTFILE: a file whose name starts with a dot and that listings hide by default.
  inode  -  the record in which the file system keeps the owner, size and block addresses of a file.

CONFIGURATION
color_mode
    When set to "never", the output carries no colour escape codes.

REWRITES
Before a path is printed, pktool applies the following rewrites:
  * duplicate separators are collapsed into one
  * up-level references are resolved against the parent directory
  * a trailing separator is dropped unless the path is the root
"""

# An API reference in Markdown as Node.js (and many JavaScript projects) write one: each entry a heading that is
# code, its history in a YAML comment, a typed parameter list, then the description; a raw HTML table.
MARKDOWN_API = """# Kiln

<!-- YAML
deprecated: v4.0.0
-->

<!--introduced_in=v2.0.0-->

> Stability: 2 - Stable

<!-- source_link=lib/kiln.js -->

The `kiln` module fires clay pieces at controlled temperatures.

## Class: `Kiln`

<!-- YAML
added: v2.0.0
-->

A `Kiln` holds the pieces of one firing.

### `kiln.fire(pieces[, options])`

<!-- YAML
added: v2.1.0
changes:
  - version: v3.0.0
    pr-url: https://example.org/kiln/pull/12
    description: The `cone` option accepts fractions.
-->

* `pieces` {Array} The pieces to fire.
* `options` {Object}
  * `cone` {number} The heat to reach. **Default:** `6`.
* Returns: {Promise}

Heats the chamber until every piece has vitrified, then lets it cool slowly.

Firing a chamber that holds no pieces rejects the promise.

### `kiln.vent()`

<!-- YAML
added: v2.4.0
-->

* Returns: {undefined}

Opens the damper so that fumes escape during the early hours of a firing.

Calling `kiln.vent()` a second time has no effect.

### `--slow-cool`

<!-- YAML
added: v2.2.0
-->

Lowers the temperature by at most fifty degrees an hour after the peak.

## Cones

<table>
  <tr><th>Cone</th><th>Firing</th></tr>
  <tr><td><code>06</code></td><td>Bisque firing of earthenware, about 1000 degrees.</td></tr>
  <tr><td><code>10</code></td><td>Stoneware glaze firing, about 1300 degrees.</td></tr>
</table>
"""

DOCUMENTS = {"pathkit.md": MARKDOWN, "pktool.txt": PLAIN_TEXT, "kiln.md": MARKDOWN_API}

# (question, what the answer text starts with, a phrase the first citation holds)
QUESTIONS = [
    # Markdown: a heading that is a signature, a signature line under a heading, Pandoc definitions, a term in
    # emphasis or a code span above its paragraph, list items with a term, a pipe table.
    ("What does pathkit.join do?", "### pathkit.join(path, *paths)", "Join one or more path components"),
    ("Which function splits a path into a root and an extension?", "pathkit.splitext — ", "Split the path into"),
    ("Which function yields the paths under a directory depth first?", "pathkit.walk — ", "Yield the paths"),
    ("Which term names the top of the file system tree?", "Root directory — ", "The top of the file system"),
    ("Which word means removing redundant separators and up-level references?", "Normalisation — ",
     "Removing redundant separators"),
    ("What is the final component of a path called?", "basename — ", "The final component"),
    ("Which option resolves symbolic links before printing a path?", "--follow — ", "resolve symbolic links"),
    ("Which option prints nothing but errors?", "--quiet — ", "print nothing but errors"),
    ("Which platform uses the backslash as its separator?",
     "Windows — platform: Windows; separator: backslash; default encoding: UTF-16", "| Windows  | backslash |"),
    ("What is the default encoding on Windows?", "UTF-16 — platform: Windows", "UTF-16"),
    # Plain text: --help option columns, an option with its description indented below, glossary lines, a term
    # above an indented description, list items with their lead-in.
    ("Which option prints every path as an absolute path?", "-a, --absolute — ", "Print every path as an absolute"),
    ("Which option prints paths relative to a directory?", "-r, --relative-to — ", "Print every path relative"),
    ("Which option ends output lines with a NUL byte?", "-z, --zero — ", "End each output line"),
    ("Which term means a symbolic link with a missing target?", "DANGLING LINK — ", "whose target does not"),
    ("Which record keeps the owner, size and block addresses of a file?", "inode — ", "the record in which"),
    ("Which setting turns off colour escape codes?", "color_mode — ", "no colour escape codes"),
    ("What happens to duplicate separators?", "Before a path is printed, pktool applies the following rewrites:",
     "duplicate separators are collapsed"),
    ("What happens to up-level references?", "Before a path is printed, pktool applies the following rewrites: …",
     "up-level references are resolved"),
    # A Markdown API reference: a heading that is code is the entry's term across its history and parameter list,
    # its history answers "when", a raw HTML table answers with its headers.
    ("Which method opens the damper so that fumes escape?", "kiln.vent — ", "Opens the damper"),
    ("Which option lowers the temperature slowly after the peak?", "--slow-cool — ", "Lowers the temperature"),
    ("When was kiln.vent added?", "v2.4.0 — ", "added: v2.4.0"),
    ("When was the kiln module deprecated?", "v4.0.0 — ", "deprecated: v4.0.0"),
    ("Which cone is used for stoneware glaze firing?", "10 — Cone: 10; Firing: Stoneware",
     "10 | Stoneware glaze firing"),
]
