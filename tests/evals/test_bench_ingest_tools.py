"""The ingest-speed tools: the five-set quality run's arguments and lines, and the staged ingest profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.bench import ingest_profile, set_quality

ROOT = Path(__file__).resolve().parents[2]


def test_set_quality_refuses_a_setting_that_is_not_a_rag_variable_and_an_unknown_set() -> None:
    with pytest.raises(SystemExit, match="RAG_NAME=VALUE"):
        set_quality.main(["--env", "OVERLAP=16"])
    with pytest.raises(SystemExit, match="unknown set"):
        set_quality.main(["--sets", "seeds,nonsense"])


def test_set_quality_lines_read_like_the_saved_results() -> None:
    metrics = {"hit@5": 0.974, "mrr": 0.9021, "answer_accuracy": 0.897, "citation_precision": 0.762,
               "citation_recall": 0.821, "abstention_recall": 0.417, "wrong_abstention_rate": 0.0}
    saved = (ROOT / "evals/bench/results/passage-128-16-heading-quality.txt").read_text().splitlines()[0]
    assert set_quality.line("seeds", "all", metrics) == saved


def test_the_profile_splits_an_ingest_into_stages_and_the_model(tmp_path: Path) -> None:
    result = ingest_profile.profile(ROOT / "seeds", tmp_path / "index")
    assert result["passages"] >= 5
    assert set(result["stages"]) == {"load", "split", "embed", "write"}
    assert result["model"]["runs"] >= 1 and 0 < result["model"]["cpu_s"] <= result["stages"]["embed"]["cpu_s"]
    assert result["non_model"]["wall_s"] == pytest.approx(result["total"]["wall_s"] - result["model"]["wall_s"], abs=2e-3)
