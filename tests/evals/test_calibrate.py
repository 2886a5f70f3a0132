"""The abstention threshold rule, on made-up confidences (no index needed)."""

from __future__ import annotations

from evals.calibrate import choose


def test_the_threshold_catches_the_most_unanswerable_and_then_refuses_the_fewest_answerable():
    # Answerable at 0.30 (one of 20: 5% may be refused) and 0.50 upwards; unanswerable at 0.10 and 0.20 and 0.60.
    rows = [(0.30, True)] + [(0.50 + i / 100, True) for i in range(19)] + [(0.10, False), (0.20, False), (0.60, False)]
    threshold, lines = choose({"set": rows}, max_wrong=0.05)
    # Catching 0.10 and 0.20 needs a threshold above 0.20; going above 0.30 refuses an answerable question and
    # catches no more (0.60 lies above a second answerable one, over the bound): midway between 0.20 and 0.30.
    assert threshold == 0.25
    assert any("(over the bound)" in line for line in lines)


def test_every_set_must_keep_within_the_bound():
    loose = [(0.30, True)] + [(0.90, True)] * 19 + [(0.40, False)]
    tight = [(0.35, True)] * 3 + [(0.90, True)] * 2 + [(0.05, False)]
    threshold, _ = choose({"loose": loose, "tight": tight}, max_wrong=0.05)
    # Catching "loose"'s 0.40 would refuse three of "tight"'s five answerable questions: over the bound. What is
    # left to catch is 0.05, with no refusal below 0.30: midway between 0.05 and 0.30.
    assert threshold == 0.175
