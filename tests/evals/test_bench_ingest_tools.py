"""The ingest-speed tools: the five-set quality run's arguments and lines, the staged ingest profile, int8 recipes."""

from __future__ import annotations

import shutil
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


def test_int8_recipes_measure_the_shipped_recipe_against_fp32(seed_index_dir: Path, tmp_path: Path,
                                                              monkeypatch) -> None:
    pytest.importorskip("onnx", reason="quantizing needs the onnx package")
    from evals.bench import int8_recipes

    monkeypatch.setattr(int8_recipes, "RECIPES", {"shipped": {}, "per tensor": {"per_channel": False}})
    copy = tmp_path / "index"
    shutil.copytree(seed_index_dir, copy)
    result = int8_recipes.compare(copy, 6, tmp_path / "work")
    shipped, per_tensor = result["recipes"]["shipped"], result["recipes"]["per tensor"]
    assert result["passages"] == 6 and result["recipes"]["fp32"]["cpu_s"] >= 0
    assert 0.97 < shipped["cosine_min"] <= shipped["cosine_median"] < 1
    assert per_tensor["cosine_median"] < shipped["cosine_median"]  # why the shipped recipe is per channel
    assert "| shipped |" in int8_recipes.render(result)
