"""The model passes that embed a document's passages (`CONTEXT_EMBEDS`).

"each": one pass per passage, its title and heading context prefixed (the passage vector is the mean of all the
pass's tokens, exactly what the embedder's `encode` gives). "window": consecutive passages of one section share a
pass as long as the context and the text they cover fit the model's token limit; each passage's vector is the mean
of the pass's [CLS] and [SEP], the context's tokens and its own text's tokens. The context is then read once per
window instead of once per passage, and the text two overlapping passages share is read once; every token still
attends to the context, as with "each". A window of one passage is exactly the "each" pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .embed import TokenVectors
from .records import Passage

CONTEXT_EMBEDS = ("each", "window")


@dataclass(frozen=True)
class Pass:
    """One model input: `text` is a context prefix of `prefix` characters, then document text from offset `start`."""

    text: str
    members: tuple[int, ...]  # the passages it covers (indices into the planned sequence)
    prefix: int
    start: int

    @property
    def shift(self) -> int:
        """Added to a document offset, gives the offset in `text`."""
        return self.prefix - self.start


def _prefix(passage: Passage) -> str:
    embedded = passage.embedding_text()
    return embedded[: len(embedded) - len(passage.text)]


def _covered(passages: Sequence[Passage]) -> str:
    """The document text from the first passage's start to the last's end, rebuilt from the passages; a gap that no
    passage holds (whitespace between sections' blocks) becomes spaces, so offsets stay the document's."""
    pieces, end = [], passages[0].start
    for p in passages:
        if p.start > end:
            pieces.append(" " * (p.start - end))
            end = p.start
        if p.end > end:
            pieces.append(p.text[end - p.start :])
            end = p.end
    return "".join(pieces)


def _joins(previous: Passage, passage: Passage) -> bool:
    return (passage.doc_id == previous.doc_id and passage.start >= previous.start
            and _prefix(passage) == _prefix(previous))


def plan_passes(passages: Sequence[Passage], context_embed: str, limit: int,
                count: Callable[[Sequence[str]], list[int]]) -> list[Pass]:
    """The passes for `passages` (in document order); `limit` is the model's tokens a pass, [CLS] and [SEP] included,
    and `count` the embedder's token counter (without them)."""
    if context_embed == "each":
        return [Pass(p.embedding_text(), (i,), len(_prefix(p)), p.start) for i, p in enumerate(passages)]
    passes: list[Pass] = []
    i = 0
    while i < len(passages):
        prefix, j = _prefix(passages[i]), i + 1
        while (j < len(passages) and _joins(passages[j - 1], passages[j])
               and count([prefix + _covered(passages[i : j + 1])])[0] + 2 <= limit):
            j += 1
        passes.append(Pass(prefix + _covered(passages[i:j]), tuple(range(i, j)), len(prefix), passages[i].start))
        i = j
    return passes


def passage_vector(tokens: TokenVectors, passage: Passage, pass_: Pass) -> np.ndarray:
    """The passage's normalized mean over the pass's special tokens, its context and its own text."""
    if len(pass_.members) == 1:
        mean = tokens.vectors.mean(axis=0)
    else:
        starts = tokens.offsets[:, 0]
        own = (starts >= passage.start + pass_.shift) & (starts < passage.end + pass_.shift)
        mean = tokens.vectors[tokens.special | (starts < pass_.prefix) | own].mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)
