"""Our ingest as a user runs it: `rag ingest PATHS --index DIR` in a fresh index, one whole process, timed from
outside; and what that ingest embedded (passages, tokens, truncations), counted afterwards without the model.

The token count follows rag/sentence_vectors.py: each passage's embedding text is one model pass of at most the
model's limit (256 tokens with [CLS] and [SEP]); a sentence with no token inside that pass (cut off by the limit)
is embedded again on its own, which costs a second pass of its tokens.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .corpus import ROOT, load_documents

_PASSAGES = re.compile(r"; (\d+) new passages")
MODEL_LIMIT = 256  # all-MiniLM-L6-v2's max_seq_length, special tokens included


def rag_command() -> list[str]:
    """The `rag` console script of this interpreter's venv (what a user types), else `python -m rag.cli`."""
    script = Path(sys.executable).with_name("rag")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rag.cli"]


def children_cpu_s() -> float:
    """User + system CPU seconds of this process's finished children: the work a run did, far less disturbed by
    other users of a shared machine than its wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest_process(paths: Sequence[Path], index_dir: Path, env: Mapping[str, str] | None = None,
                   timeout_s: float = 3600) -> dict:
    """`rag ingest` of `paths` into a fresh `index_dir`, a child process; wall seconds from spawn to exit."""
    shutil.rmtree(index_dir, ignore_errors=True)
    child_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    started, cpu = time.perf_counter(), children_cpu_s()
    proc = subprocess.run([*rag_command(), "ingest", *map(str, paths), "--index", str(index_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout_s, env=child_env)
    wall, cpu = time.perf_counter() - started, children_cpu_s() - cpu
    if proc.returncode != 0:
        raise RuntimeError(f"rag ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    found = _PASSAGES.search(proc.stdout)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "passages": int(found.group(1)) if found else None,
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def _tokenizers():  # noqa: ANN202 - two tokenizers.Tokenizer, imported lazily
    from tokenizers import Tokenizer

    from rag.embed import bundled_model_path

    path = str(bundled_model_path() / "tokenizer.json")
    counter, truncating = Tokenizer.from_file(path), Tokenizer.from_file(path)
    counter.no_padding()
    counter.no_truncation()
    truncating.no_padding()
    truncating.enable_truncation(MODEL_LIMIT)
    return counter, truncating


def embedded_tokens(paths: Sequence[Path], passage_tokens: int, overlap_tokens: int, passage_context: str,
                    passage_context_tokens: int = 0) -> dict:
    """What an ingest with these settings embeds: passages, tokens of the model passes (special tokens included,
    after truncation), passages cut by the model's limit, and the cut-off sentences embedded again on their own."""
    from rag.embed import TokenVectors
    from rag.sentence_vectors import passage_sentence_spans, pool_spans
    from rag.split import SplitConfig, split_document

    counter, truncating = _tokenizers()

    def count(texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in counter.encode_batch(list(texts), add_special_tokens=False)]

    config = SplitConfig(max_tokens=passage_tokens, overlap_tokens=overlap_tokens, context=passage_context,
                         context_tokens=passage_context_tokens)
    passages = [p for d in load_documents(list(paths)) for p in split_document(d, config, count)]
    texts = [p.embedding_text() for p in passages]
    text_tokens = sum(count([p.text for p in passages]))
    passes = truncating.encode_batch(texts)
    pass_tokens, truncated, alone = 0, 0, []
    for passage, text, enc in zip(passages, texts, passes, strict=True):
        pass_tokens += len(enc.ids)
        if not enc.overflowing:
            continue
        truncated += 1
        n = len(enc.ids)
        tokens = TokenVectors(np.zeros((n, 1), dtype=np.float32), np.asarray(enc.offsets, dtype=np.int32).reshape(n, 2),
                              np.asarray(enc.special_tokens_mask, dtype=bool))
        spans = passage_sentence_spans(passage)
        shift = len(text) - len(passage.text) - passage.start  # document offsets -> embedded-text offsets
        _, found = pool_spans(tokens, spans + shift)
        alone += [passage.text[s - passage.start : e - passage.start] for s, e in spans[~found]]
    alone_tokens = sum(len(e.ids) for e in truncating.encode_batch(alone))
    return {"passages": len(passages), "text_tokens": text_tokens, "pass_tokens": pass_tokens,
            "truncated_passages": truncated, "sentences_alone": len(alone), "sentences_alone_tokens": alone_tokens,
            "tokens_embedded": pass_tokens + alone_tokens}
