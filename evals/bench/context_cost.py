"""Embedded tokens per passage-context variant (rag/split.py), counted with the model's tokenizer.

`python -m evals.bench.context_cost seeds /work/main/corpora/debian-reference` prints, per variant, the
passages, the tokens of the passage texts, the tokens of what is embedded, and the share the context adds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rag.embed import make_embedder
from rag.load import find_files, load_path
from rag.split import SplitConfig, split_document

VARIANTS = (("chain", 0), ("heading", 0), ("title", 0), ("none", 0), ("chain", 8), ("chain", 16), ("heading", 8))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    embedder = make_embedder("sentence-transformers", "all-MiniLM-L6-v2")
    files, _ = find_files(args.paths)
    docs = [load_path(f) for f in files]
    print("| variant | passages | text tokens | embedded tokens | added |")
    print("|---|---|---|---|---|")
    for mode, cap in VARIANTS:
        passages = [p for d in docs for p in split_document(d, SplitConfig(context=mode, context_tokens=cap),
                                                            embedder.count_tokens)]
        text = sum(embedder.count_tokens([p.text for p in passages]))
        embedded = sum(embedder.count_tokens([p.embedding_text() for p in passages]))
        name = mode + (f", cap {cap}" if cap else "")
        print(f"| {name} | {len(passages)} | {text} | {embedded} | {100 * (embedded - text) / text:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
