"""Model passes over passages: one each, or windows of a section's consecutive passages under the token limit."""

from __future__ import annotations

import numpy as np

from rag.embed import TokenVectors
from rag.passes import Pass, passage_vector, plan_passes
from rag.records import Passage
from rag.split import whitespace_token_counter

TEXT = "one two three. four five six. seven eight nine.\n\nten eleven twelve. thirteen fourteen."


def _passage(start: int, end: int, context: str = "Guide > Setup", doc: str = "d") -> Passage:
    return Passage(doc, start, end, TEXT[start:end], 0, context=context)


def _sentences() -> list[tuple[int, int]]:
    words = ("one two three.", "four five six.", "seven eight nine.", "ten eleven twelve.", "thirteen fourteen.")
    return [(TEXT.index(w), TEXT.index(w) + len(w)) for w in words]


def test_each_is_one_pass_a_passage_with_its_context():
    passages = [_passage(0, 29), _passage(15, 48)]
    passes = plan_passes(passages, "each", 256, whitespace_token_counter)
    assert [p.text for p in passes] == [p.embedding_text() for p in passages]
    assert [p.members for p in passes] == [(0,), (1,)]
    assert passes[1].text[passes[1].shift + 15 :].startswith("four five")


def test_a_window_covers_overlapping_passages_once_and_keeps_document_offsets():
    (s0, e0), (s1, e1), (s2, e2), (s3, e3), _ = _sentences()
    passages = [_passage(s0, e1), _passage(s1, e2), _passage(s3, e3)]  # overlap, then a gap ("\n\n")
    [window] = plan_passes(passages, "window", 256, whitespace_token_counter)
    assert window.members == (0, 1, 2)
    assert window.text == "Guide > Setup\n" + TEXT[s0:e2] + " " * (s3 - e2) + TEXT[s3:e3]
    for p in passages:
        assert window.text[p.start + window.shift : p.end + window.shift] == p.text


def test_windows_stop_at_the_token_limit_a_new_context_and_a_new_document():
    (s0, e0), (s1, e1), (s2, e2), (s3, e3), (s4, e4) = _sentences()
    passages = [_passage(s0, e0), _passage(s1, e1), _passage(s2, e2, context="Guide > Other"),
                _passage(s3, e3, context="Guide > Other", doc="e"), _passage(s4, e4, context="Guide > Other", doc="e")]
    passes = plan_passes(passages, "window", 256, whitespace_token_counter)
    assert [p.members for p in passes] == [(0, 1), (2,), (3, 4)]
    # Context (3 words) + two 3-word sentences + [CLS] [SEP] = 11 tokens; a limit of 10 keeps them apart.
    assert [p.members for p in plan_passes(passages[:2], "window", 10, whitespace_token_counter)] == [(0,), (1,)]


def test_a_passage_vector_pools_the_special_tokens_the_context_and_its_own_text_only():
    window = Pass("Ctx\nab cd", (0, 1), prefix=4, start=100)
    # [CLS] Ctx ab cd [SEP]: one-hot vectors, so the pooled mean shows which tokens were taken.
    offsets = np.array([[0, 0], [0, 3], [4, 6], [7, 9], [0, 0]], dtype=np.int32)
    tokens = TokenVectors(np.eye(5, dtype=np.float32), offsets, np.array([1, 0, 0, 0, 1], dtype=bool))
    first = passage_vector(tokens, Passage("d", 100, 102, "ab", 0), window)
    second = passage_vector(tokens, Passage("d", 103, 105, "cd", 1), window)
    np.testing.assert_allclose(first, np.array([1, 1, 1, 0, 1]) / 2.0)
    np.testing.assert_allclose(second, np.array([1, 1, 0, 1, 1]) / 2.0)
    alone = passage_vector(tokens, Passage("d", 100, 105, "ab cd", 0), Pass("Ctx\nab cd", (0,), 4, 100))
    np.testing.assert_allclose(alone, np.ones(5) / np.sqrt(5))
