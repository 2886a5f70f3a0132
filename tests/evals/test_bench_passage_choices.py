"""The passage-choice sweep and the whole-process ingest benchmark: settings parsing, token accounting, a run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from evals.bench.ours_ingest import embedded_tokens
from evals.bench.passage_choices import choice_env, parse_choice
from evals.bench.peer_ingest import html_text
from rag.embed import TokenVectors

ROOT = Path(__file__).resolve().parents[2]


def test_a_choice_names_the_four_settings() -> None:
    choice = parse_choice("192/16/heading:8")
    assert choice == {"passage_tokens": 192, "overlap_tokens": 16, "passage_context": "heading",
                      "passage_context_tokens": 8}
    assert choice_env(parse_choice("128/0/none"))["RAG_OVERLAP_TOKENS"] == "0"
    with pytest.raises(SystemExit, match="TOKENS/OVERLAP/CONTEXT"):
        parse_choice("128-32-chain")


def test_embedded_tokens_count_the_context_and_what_the_model_limit_cuts(tmp_path: Path) -> None:
    heading = "Configuring the network interfaces of a small office server " * 3
    body = " ".join(f"Sentence number {i} explains one more detail of the bridge setup." for i in range(60))
    (tmp_path / "doc.md").write_text(f"# {heading}\n\n## {heading}\n\n{body}\n")
    bare = embedded_tokens([tmp_path], 240, 0, "none")
    chain = embedded_tokens([tmp_path], 240, 0, "chain")
    assert bare["passages"] == chain["passages"] >= 2
    assert bare["truncated_passages"] == 0 and bare["sentences_alone"] == 0
    # [CLS] and [SEP] on each pass; the text alone fits.
    assert bare["tokens_embedded"] == bare["text_tokens"] + 2 * bare["passages"]
    # The long heading chain pushes 240-token passages past the model's 256: the tail sentences are re-embedded.
    assert chain["truncated_passages"] >= 1 and chain["sentences_alone"] >= 1
    assert chain["pass_tokens"] <= 256 * chain["passages"]
    assert chain["tokens_embedded"] == chain["pass_tokens"] + chain["sentences_alone_tokens"]


def test_the_peer_reads_html_text_without_scripts() -> None:
    text = html_text("<html><head><title>T</title><style>p{}</style></head><body><h1>Head</h1>"
                     "<p>One &amp; two</p><script>var x;</script><p>three <b>four</b></p></body></html>")
    assert text.splitlines() == ["T", "Head", "One & two", "three four"]


def test_the_sweep_ingests_and_evaluates_each_choice(tmp_path: Path) -> None:
    out = tmp_path / "choices.json"
    proc = subprocess.run(
        [sys.executable, "-m", "evals.bench.passage_choices", "--corpus", str(ROOT / "seeds"), "--choices",
         "64/16/heading", "--work", str(tmp_path / "work"), "--out", str(out)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    entry = json.loads(out.read_text())["choices"]["64/16/heading"]
    assert entry["ingest"][0]["wall_s"] > 0 and entry["ingest"][0]["passages"] == entry["embedded"]["passages"]
    assert set(entry["seeds"]) == {"all", "calibrate", "heldout"} and 0 <= entry["seeds"]["heldout"]["mrr"] <= 1
    assert "| 64/16/heading |" in proc.stdout


def test_whole_ingest_without_a_peer_says_how_to_make_one(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "evals.bench.whole_ingest", "--corpus", str(ROOT / "seeds"), "--rounds", "1",
         "--peer-venv", str(tmp_path / "no-such-venv"), "--out", str(tmp_path / "w.json")],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "no-such-venv" in proc.stderr and "llama-index-core" in proc.stderr
    assert not (tmp_path / "w.json").exists()


def test_the_timed_embedder_keeps_late_chunking() -> None:
    from evals.bench.run import _TimedEmbedder
    from rag.records import Passage
    from rag.sentence_vectors import embed_passages

    class Counting:
        name, dimension = "fake", 4

        def __init__(self) -> None:
            self.encoded: list[str] = []

        def encode(self, texts):  # noqa: ANN001, ANN202
            self.encoded += texts
            return np.ones((len(texts), 4), dtype=np.float32)

        def encode_tokens(self, texts):  # noqa: ANN001, ANN202
            out = []
            for text in texts:
                words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
                out.append(TokenVectors(np.ones((len(words), 4), dtype=np.float32),
                                        np.asarray(words, dtype=np.int32), np.zeros(len(words), dtype=bool)))
            return out

    inner = Counting()
    timed = _TimedEmbedder(inner)
    passage = Passage(doc_id="d", start=0, end=36, text="One sentence here. Another one here.", ordinal=0)
    _, sentences = embed_passages(timed, [passage])
    assert inner.encoded == [] and len(sentences[0]) == 2 and timed.encoded == 1 and timed.encode_s > 0
    assert not hasattr(_TimedEmbedder(type("NoTokens", (), {"name": "x"})()), "encode_tokens")


def test_saved_sweeps_merge_by_choice() -> None:
    from evals.bench.passage_choices import merge, render

    quality = {s: {"hit@5": 1.0, "mrr": 0.5, "answer_accuracy": 0.25, "citation_recall": None}
               for s in ("all", "calibrate", "heldout")}
    first = {"choices": {"128/32/chain": {"settings": {}, "ingest": [{"wall_s": 90.0, "cpu_s": 70.0}],
                                          "embedded": {"passages": 10, "tokens_embedded": 1000,
                                                       "truncated_passages": 0, "sentences_alone": 0},
                                          "debian": quality}}}
    second = {"choices": {"128/32/chain": {"settings": {}, "ingest": [{"wall_s": 80.0, "cpu_s": 60.0}]}}}
    merged = merge([first, second])
    assert [r["cpu_s"] for r in merged["choices"]["128/32/chain"]["ingest"]] == [70.0, 60.0]
    table = render(merged)
    assert "| 128/32/chain | 90 / 70, 80 / 60 | 10 | 1,000 | 0 / 0 | debian | 1.00 / 1.00 / 1.00 | .500" in table


def test_whole_ingest_times_each_backend_of_ours_in_every_round(tmp_path: Path, monkeypatch) -> None:
    from evals.bench import whole_ingest

    calls: list[str] = []

    def ours(paths, index_dir, env=None):  # noqa: ANN001, ANN202 - stands in for a `rag ingest` child process
        calls.append(f"ours:{(env or {}).get('RAG_EMBEDDER_BACKEND')}")
        return {"wall_s": 10.0 if env["RAG_EMBEDDER_BACKEND"] == "onnx" else 5.0, "cpu_s": 1.0, "passages": 3,
                "load_avg_1m": 0.1}

    def peer(python, corpus, model_path, persist, chunking):  # noqa: ANN001, ANN202
        calls.append(f"peer:{chunking}")
        return {"wall_s": 20.0, "cpu_s": 2.0, "load_avg_1m": 0.1, "passages": 2, "tokens_embedded": 9,
                "truncated_passages": 0}

    monkeypatch.setattr(whole_ingest, "peer_python", lambda venv: Path(sys.executable))
    monkeypatch.setattr(whole_ingest, "ingest_process", ours)
    monkeypatch.setattr(whole_ingest, "peer_process", peer)
    result = whole_ingest.run(ROOT / "seeds", 2, ["256/32"], tmp_path, tmp_path, ours_backends=["onnx", "onnx-int8"])
    assert calls == ["ours:onnx", "ours:onnx-int8", "peer:256/32"] * 2
    assert result["ratios"]["ours_onnx_over_peer_256/32_wall"]["median_of_rounds"] == 0.5
    assert result["ratios"]["ours_onnx-int8_over_peer_256/32_wall"]["median_of_rounds"] == 0.25
    assert "ours (`rag ingest`, onnx-int8)" in whole_ingest.render(result)
