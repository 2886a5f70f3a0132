"""Whether a word is ordinary English or a rare one (a product, a tool, a term of art): "registry" vs "nginx".

A question about something the corpus never mentions often names it in lower case ("nginx", "certbot", "ufw",
"keras"), where the capitalised-name check cannot see it. An ordinary word missing from a corpus says little (a
question may paraphrase: "improperly", "behaved"); a rare word missing says the corpus does not cover the thing.
The list of ordinary words is the bundled embedder's WordPiece vocabulary: its ~30,000 whole-word entries are the
words common enough in its training text to get a token of their own. A word made of one of them and a common affix
("improperly", "sender", "unmute") is ordinary too.

The vocabulary holds some ordinary words in one form only ("postponed", not "postpones"; "deleted", not "delete"):
another inflection of the word being in it makes a word of five letters or more ordinary too. Known weakness: a few
ordinary words are in no form ("firewall"); they count as rare, which matters only when no passage holds a word of
the same stem.
"""

from __future__ import annotations

import functools
import re

from .embed import bundled_model_path

_INFLECTIONS = ("ing", "ed", "es", "s", "d")
_SUFFIXES = ("ments", "ment", "ness", "ings", "ing", "able", "ers", "er", "ly", "ed", "es", "s", "d")
_PREFIXES = ("under", "over", "non", "dis", "mis", "pre", "un", "re")
_WORD = re.compile(r"[a-z]+")


@functools.cache
def _vocabulary() -> frozenset[str]:
    """The whole-word entries of the bundled model's vocabulary (word pieces and special tokens left out)."""
    lines = (bundled_model_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if _WORD.fullmatch(w))


def _known(word: str) -> bool:
    return word in _vocabulary()


def is_rare_word(word: str) -> bool:
    """Whether a lowercase word of letters is not ordinary English: neither in the vocabulary nor one of its words
    with a common prefix or suffix. Words with digits or other characters are not judged (False)."""
    word = word.lower()
    if not _WORD.fullmatch(word) or _known(word):
        return False
    if word.endswith(("ies", "ied")) and _known(word[:-3] + "y"):
        return False  # "queries", "copied"
    for suffix in _SUFFIXES:
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and (_known(base) or _known(base + "e")):
            return False  # "improperly", "sender", "enabled" ("enabl" + "e")
    # Another form of the same word is in it: "postpones" and "postpone" by "postponed". (Not of a short word: "vim"
    # would be a form of "vims".)
    bases = [word] + [word[: -len(s)] for s in _INFLECTIONS if word.endswith(s)]
    if len(word) >= 5 and any(len(base) >= 5 and _known(base + s) for base in bases for s in _INFLECTIONS):
        return False
    return not any(word.startswith(p) and len(word) - len(p) >= 3 and _known(word[len(p):]) for p in _PREFIXES)
