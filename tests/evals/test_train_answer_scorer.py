"""Labels and feature rows of the answer scorer's training script."""

from __future__ import annotations

import numpy as np

from evals.train_answer_scorer import feature_matrix, overlaps_evidence
from rag.answer_weights import FEATURES


def test_a_sentence_overlaps_evidence_it_holds_or_is_a_long_part_of():
    evidence = ["Using 0 tells the OS to pick a random free port. It is not reused."]
    assert overlaps_evidence("Note:  using 0 tells the OS to pick a random free port. It is not reused. More.", evidence)
    assert overlaps_evidence("Using 0 tells the OS to pick a random free port.", evidence)  # half of a two-sentence phrase
    assert not overlaps_evidence("It is not", evidence)  # too short to mean a thing on its own
    assert not overlaps_evidence("Pass a port number to listen on.", evidence)
    assert not overlaps_evidence("Using 0 tells the OS to pick a random free port.", ["", "   "])


def test_feature_rows_follow_the_feature_order():
    rows = feature_matrix([{"similarity": 0.5, "heading": 1.0}, {}])
    assert rows.shape == (2, len(FEATURES))
    assert rows[0, FEATURES.index("similarity")] == 0.5 and rows[0, FEATURES.index("heading")] == 1.0
    assert np.count_nonzero(rows) == 2
