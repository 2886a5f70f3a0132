"""The answer stage alone, in-process: `ExtractiveAnswerer.answer` over each question's retrieved passages.

    PYTHONPATH=CHECKOUT python evals/bench/answer_stage.py INDEX_DIR QUESTIONS.jsonl [...] [--rounds 3]

Run by path, so that PYTHONPATH picks the code measured (a checkout of older code runs this same script). Each
question's passages are retrieved once, outside the timing. "cold": before each question, all the answer stage keeps
between questions is dropped (the answerer's passage readings, and every bounded lru_cache of the rag package), as
for a question whose passages no question read before; "warm": every question answered once before, nothing dropped.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

import numpy as np


def _forget(answerer: object) -> None:
    """Drop what the answer stage remembers between questions: bounded caches only (a loaded vocabulary stays)."""
    forget = getattr(answerer, "forget", None)
    if forget is not None:
        forget()
    for name, module in list(sys.modules.items()):
        if name == "rag" or name.startswith("rag."):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper) and value.cache_info().maxsize is not None:
                    value.cache_clear()


def measure(index_dir: Path, questions: list[str], rounds: int) -> dict:
    from rag.config import Settings
    from rag.service import RagService

    service = RagService(Settings(index_dir=index_dir))
    service.ask("warm-up question")
    read = {q: service._read(q, service.settings.top_k, None, {}) for q in questions}
    absent = {q: service.retriever.absent_terms(q) for q in questions}
    answerer = service.answerer
    out: dict = {"questions": len(questions), "index": str(index_dir), "passages_read": sum(map(len, read.values()))}
    for mode in ("cold", "warm"):
        if mode == "warm":
            for q in questions:
                answerer.answer(q, read[q], absent[q])
        ms = []
        for _ in range(rounds):
            for q in questions:
                if mode == "cold":
                    _forget(answerer)
                started = time.perf_counter()
                answerer.answer(q, read[q], absent[q])
                ms.append((time.perf_counter() - started) * 1000)
        out[mode] = {f"p{q}": round(float(np.percentile(ms, q)), 2) for q in (50, 90)} | {
            "mean": round(float(np.mean(ms)), 2)}
    service.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"] for f in args.questions
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(json.dumps(measure(args.index, questions, args.rounds), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
