"""The prefix-cached context experiment: vectors near today's, the context run once, the same sentence spans."""

from __future__ import annotations

import numpy as np

from evals.bench.context_prefix_cache import PrefixCachedEncoder, embed_passages
from rag.load import load_path
from rag.sentence_vectors import embed_passages as embed_today
from rag.split import SplitConfig, split_document
from tests.conftest import SEED_FILE


def test_passages_attend_to_a_context_run_once_and_stay_near_todays_vectors(embedder):
    passages = split_document(load_path(SEED_FILE), SplitConfig(), embedder.count_tokens)
    contexts = {p.embedding_context for p in passages}
    assert len(contexts) < len(passages)
    encoder = PrefixCachedEncoder()
    vectors, sentences = embed_passages(encoder, embedder, passages)
    today, today_sentences = embed_today(embedder, passages)
    context_tokens = sum(len(encoder.context(c)[0]) for c in contexts)  # cached: runs nothing more
    text_tokens = sum(embedder.count_tokens([p.text for p in passages]))
    assert encoder.tokens == context_tokens + text_tokens + len(passages)  # each passage's text and its [SEP]
    cosines = (vectors * today).sum(axis=1)
    assert np.all(cosines > 0.97) and np.all(cosines < 0.9999)  # close, not the same computation
    for mine, theirs in zip(sentences, today_sentences, strict=True):
        np.testing.assert_array_equal(mine.spans, theirs.spans)
        assert np.allclose(np.linalg.norm(mine.vectors.astype(np.float32), axis=1), 1.0, atol=2e-3)
