"""A question that asks for a maximum or a minimum, and the texts that state one (rag/answer_bounds.py)."""

from __future__ import annotations

import pytest

from rag.answer_bounds import asked_bound, states_bound


@pytest.mark.parametrize(("question", "bound"), [
    ("What is the largest value UV_POOL can be set to?", "upper"),
    ("What is the maximum number of dimensions an array may have?", "upper"),
    ("How many rules can a map hold at most?", "upper"),
    ("What is the upper limit on the header size?", "upper"),
    ("How much memory does the program need at a minimum?", "lower"),
    ("What is the minimum length for a good password?", "lower"),
    ("How many characters must a password have at least?", "lower"),
    # A bound word inside a name names a thing; "most" alone is no bound ("most recently", "most common").
    ("What value should --max-old-space-size be set to on a small machine?", None),
    ("What does MAX_PATH hold?", None),
    ("Which is the max_age parameter for?", None),
    ("What compression format have the tools been moving to most recently?", None),
    ("How long did the ministers meet?", None),
])
def test_the_bound_a_question_asks_for(question, bound):
    assert asked_bound(question) == bound


def test_a_bound_is_stated_in_the_words_prose_uses_for_it():
    assert states_bound("By default, a maximum of 10 listeners can be registered.", "upper")
    assert states_bound("The cache keeps up to 128 entries.", "upper")
    assert states_bound("The value cannot exceed 1024.", "upper")
    assert states_bound("The value must not be larger than 8 KiB.", "upper")
    assert states_bound("Choose a password of at least 6 to 8 characters.", "lower")
    assert states_bound("Three or more replicas are needed.", "lower")
    # The thing described without its limit, or a bound the other way, does not state one.
    assert not states_bound("The historySize option can be 0 now.", "upper")
    assert not states_bound("Set it to a value greater than 4 (its current default value).", "upper")
    assert not states_bound("Pass max_age to set the lifetime.", "upper")
    assert not states_bound("A maximum of 10 listeners can be registered.", "lower")
