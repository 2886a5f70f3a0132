"""The ONNX Runtime backend reproduces the torch embedder: same vectors (fp32), same token counts.

Its int8 variant is a different model numerically: close vectors, its own name, its own indexes.
"""

from __future__ import annotations

import numpy as np
import pytest

from rag.config import Settings
from rag.embed import make_embedder
from rag.errors import IndexMismatchError, InvalidInputError, RagError
from rag.service import RagService

pytest.importorskip("onnxruntime", reason="the onnx backend is optional: pip install onnxruntime")
pytest.importorskip("onnx", reason="exporting the model needs the onnx package")

TEXTS = [
    "man eating food",
    "The package manager resolves dependencies before it installs anything. " * 6,
    "x",
    "A sentence well past the model's 256-token window. " * 60,
]


def _warm(backend: str):
    """The bundled model on `backend`, loaded (small batches, so the tests cross batch boundaries)."""
    model = make_embedder(backend, "all-MiniLM-L6-v2", batch_size=2)
    model.warm_up()
    return model


@pytest.fixture(scope="module")
def onnx_embedder():
    return _warm("onnx")


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


@pytest.fixture(scope="module")
def int8_embedder():
    return _warm("onnx-int8")


def test_int8_vectors_stay_close_to_fp32(int8_embedder, onnx_embedder) -> None:
    # Measured on 300 Debian Reference passages: cosine to fp32 median 0.993, minimum 0.985
    # (evals/bench/README.md, "int8 embedder"); a per-tensor quantization would fall to 0.887 and fail here.
    ours, reference = int8_embedder.encode(TEXTS), onnx_embedder.encode(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == reference.shape
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() > 0.97, cosines
    assert not np.allclose(ours, reference, atol=1e-4)  # it is the quantized model that ran, not the fp32 one


def test_int8_runs_a_quantized_copy_cached_beside_the_export(int8_embedder, onnx_embedder) -> None:
    import onnx

    assert int8_embedder.onnx_file.parent == onnx_embedder.onnx_file.parent
    assert int8_embedder.onnx_file != onnx_embedder.onnx_file
    ops = {node.op_type for node in onnx.load(str(int8_embedder.onnx_file), load_external_data=False).graph.node}
    assert {"MatMulInteger", "QAttention", "DynamicQuantizeLinear"} & ops
    assert "Attention" not in ops and "MatMul" not in ops  # every weight product quantized
    assert int8_embedder.count_tokens(TEXTS) == onnx_embedder.count_tokens(TEXTS)


def test_int8_names_itself_apart_so_indexes_never_mix(int8_embedder, onnx_embedder, tmp_path) -> None:
    assert int8_embedder.name == onnx_embedder.name + "+int8"
    text = tmp_path / "docs" / "a.txt"
    text.parent.mkdir()
    text.write_text("Apples grow on trees in orchards. Pears ripen after they are picked.\n")
    built = RagService(Settings(index_dir=tmp_path / "int8"), embedder=int8_embedder)
    built.warm_up()
    built.ingest_paths([text.parent])
    assert built.index.manifest.embedder == "all-MiniLM-L6-v2+int8"
    assert built.search("where do apples grow", 1)[0].passage.text.startswith("Apples")
    built.close()
    fp32 = RagService(Settings(index_dir=tmp_path / "int8"), embedder=onnx_embedder)
    with pytest.raises(IndexMismatchError, match=r"\+int8"):
        fp32.warm_up(create=False)
    fp32_built = RagService(Settings(index_dir=tmp_path / "fp32"), embedder=onnx_embedder)
    fp32_built.warm_up()
    fp32_built.ingest_paths([text.parent])
    fp32_built.close()
    with pytest.raises(IndexMismatchError, match="all-MiniLM-L6-v2"):
        RagService(Settings(index_dir=tmp_path / "fp32"), embedder=int8_embedder).warm_up(create=False)


def test_int8_is_picked_by_configuration() -> None:
    settings = Settings.from_env({"RAG_EMBEDDER_BACKEND": "onnx-int8"})
    assert RagService(settings).embedder.name == "all-MiniLM-L6-v2+int8"


def test_a_cached_int8_copy_is_used_without_the_fp32_export(int8_embedder, tmp_path) -> None:
    import shutil

    cached = tmp_path / int8_embedder.onnx_file.parent.name / int8_embedder.onnx_file.name
    cached.parent.mkdir()
    shutil.copyfile(int8_embedder.onnx_file, cached)
    model = make_embedder("onnx-int8", "all-MiniLM-L6-v2", cache_dir=tmp_path)
    model.warm_up()
    assert model.onnx_file == cached
    assert not (cached.parent / "model.onnx").exists()  # no export (and no torch) needed to serve an int8 index
    assert np.allclose(model.encode(TEXTS[:2]), int8_embedder.encode(TEXTS[:2]), atol=1e-6)


def test_onnx_one_text_embeds_as_it_does_among_others(onnx_embedder) -> None:
    # A lone text (a question) is tokenized by its own call, not the batch call: the same tokens, the same vector.
    for text in TEXTS:
        alone = onnx_embedder.encode([text])[0]
        among = onnx_embedder.encode([text, text])[0]  # a batch of equal lengths: no padding in its row
        np.testing.assert_allclose(alone, among, atol=1e-6)
    assert onnx_embedder.encode(["x"]).shape == (1, onnx_embedder.dimension)
