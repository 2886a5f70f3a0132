"""Which passage defines an API name: its entry's term line (a signature, an attribute, a Markdown heading of code).

"What does click.echo do?" is answered by the entry that defines `click.echo`, but the guides use the name in
dozens of examples, so neither the dense nor the keyword ranking puts that entry among the passages read. The
names each passage defines are indexed beside its words (as terms of their own, `DEFINES` + the name, which no
word can spell), and a question that names code looks its names up there.
"""

from __future__ import annotations

import re

DEFINES = "=defines:"  # a term prefix no word of text can produce (words are \w+)
# Passages a name is looked up in at most: a short name that hundreds of entries define ("get") names none of them.
DEFINED_PER_NAME = 100

# The code a question names: `quoted`, a dotted name, a call, a snake_case or CamelCase identifier.
_QUOTED_CODE = re.compile(r"`([^`\n]{1,80})`")
_CODE_NAME = re.compile(r"(?<![\w.])(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z_]\w*(?=\(\))|[a-z][a-z0-9]*(?:_[a-z0-9]+)+|"
                        r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)(?![\w])")
_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_OPTION = re.compile(r"--?[A-Za-z0-9][\w-]*")
# A line of options alone, each with its argument: "--vanilla", "-f file", "--file=file", "-o FILE, --output=FILE".
_OPTION_LINE = re.compile(r"--?[A-Za-z0-9][\w-]*(?:[= ][^\s,]+)?(?:,\s*--?[A-Za-z0-9][\w-]*(?:[= ][^\s,]+)?)*")
# The options a question names ("What does --vanilla do?"; not the "-" inside "command-line").
_ASKED_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def _keys(name: str) -> list[str]:
    """A dotted name and each shorter name it ends with: "click.echo" -> "click.echo", "echo". Case is kept, as
    code keeps it: the class `Request` is not the attribute `request`."""
    parts = name.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def defined_names(text: str) -> set[str]:
    """The names the entries of a passage's text define, with the shorter names they end with: a term line (an
    API signature or attribute, a line of command-line options) whose description starts on the next line, or a
    Markdown heading that is code."""
    from .answer_phrases import term_name  # (imported here: the answer modules use the keyword index's terms)
    from .answer_values import is_entry, is_signature
    from .structure import heading_entry

    names: set[str] = set()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped) > 500:
            continue
        heading = heading_entry(stripped)
        if heading is None:
            # A term line has its description right under it; a call in example code has code or a blank line.
            following = lines[i + 1].strip() if i + 1 < len(lines) else ""
            option = _OPTION_LINE.fullmatch(stripped) is not None and following[:1] == "("  # "(Windows only) ..."
            if not (following[:1].isupper() or option) or not (
                    option or _OPTION_LINE.fullmatch(stripped) or is_signature(stripped) or is_entry(stripped)):
                continue
        name = term_name(heading or stripped)
        if _NAME.fullmatch(name):
            names.update(_keys(name))
        elif name.startswith("-"):  # a command-line option's entry ("-o, --output")
            names.update(o for o in name.split(", ") if _OPTION.fullmatch(o))
    return names


def definition_terms(text: str) -> list[str]:
    """The index terms of the names `text` defines."""
    return [DEFINES + name for name in sorted(defined_names(text))]


def asked_definitions(question: str) -> list[list[str]]:
    """For each code name the question gives, the index terms to look it up by, the whole name first: a method
    asked as "Context.invoke" is defined under its class as "invoke(...)"."""
    found = [m.group(1) for m in _QUOTED_CODE.finditer(question)] + [m.group() for m in _CODE_NAME.finditer(question)]
    names = dict.fromkeys(n.strip().rstrip("()") for n in found)
    options = dict.fromkeys(m.group() for m in _ASKED_OPTION.finditer(question))
    return [[DEFINES + key for key in _keys(n)] for n in names if _NAME.fullmatch(n)] + \
        [[DEFINES + option] for option in options]
