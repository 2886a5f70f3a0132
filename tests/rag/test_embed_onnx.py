"""The ONNX Runtime backend reproduces the torch embedder: same vectors (fp32), same token counts."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed import make_embedder
from rag.errors import InvalidInputError, RagError

pytest.importorskip("onnxruntime", reason="the onnx backend is optional: pip install onnxruntime")
pytest.importorskip("onnx", reason="exporting the model needs the onnx package")

TEXTS = [
    "man eating food",
    "The package manager resolves dependencies before it installs anything. " * 6,
    "x",
    "A sentence well past the model's 256-token window. " * 60,
]


@pytest.fixture(scope="module")
def onnx_embedder():
    model = make_embedder("onnx", "all-MiniLM-L6-v2", batch_size=2)
    model.warm_up()
    return model


def test_onnx_vectors_match_torch(onnx_embedder, embedder) -> None:
    ours, reference = onnx_embedder.encode(TEXTS), embedder.encode(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == reference.shape == (len(TEXTS), 384)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_onnx_keeps_input_order_across_length_sorted_batches(onnx_embedder) -> None:
    together = onnx_embedder.encode(TEXTS)
    one_by_one = np.vstack([onnx_embedder.encode([t]) for t in TEXTS])
    assert np.abs(together - one_by_one).max() < 1e-5


def test_onnx_counts_tokens_like_torch(onnx_embedder, embedder) -> None:
    assert onnx_embedder.count_tokens(TEXTS) == embedder.count_tokens(TEXTS)
    assert onnx_embedder.name == embedder.name  # an index built by one backend is served by the other
    assert onnx_embedder.encode([]).shape == (0, 384)


def test_onnx_export_is_fused(onnx_embedder) -> None:
    import onnx

    ops = {node.op_type for node in onnx.load(str(onnx_embedder.onnx_file), load_external_data=False).graph.node}
    assert {"Attention", "SkipLayerNormalization", "EmbedLayerNormalization"} <= ops
    assert "Softmax" not in ops  # no attention left unfused


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="onnx"):
        make_embedder("tensorflow", "all-MiniLM-L6-v2")


def test_unwritable_export_cache_is_a_clear_error(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    model = make_embedder("onnx", "all-MiniLM-L6-v2", cache_dir=blocker / "onnx")
    with pytest.raises(RagError, match="RAG_ONNX_CACHE_DIR"):
        model.warm_up()
