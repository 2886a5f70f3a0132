import hashlib
import math

import numpy as np
import pytest

from rag.index import DocumentUpdate, Index
from rag.keyword import KeywordIndex
from rag.records import Document, Passage
from rag.sentence_vectors import passage_vector_sentences

ROWS = [
    (1, "The ministers met in Tokyo to discuss the peace treaty.", "Meeting"),
    (2, "Fishing boats near the islands were discussed at length.", "Fisheries"),
    (3, "The treaty negotiations continue; the treaty remains unsigned.", "Peace treaty"),
    (4, "Installing packages with apt keeps the system consistent.", "Packages"),
    (5, "Rain fell all afternoon over the harbour.", "Weather"),
    (6, "The delegation returned home on Friday evening.", "Travel"),
]
NO_IDS = np.zeros(0, dtype=np.int64)


def _bm25(tf: float, df: int, n: int, length: float, avg: float, k1: float = 1.2, b: float = 0.75) -> float:
    idf = max(math.log((n - df + 0.5) / (df + 0.5)), 1e-6)
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))


def test_scores_are_bm25_with_heading_words_weighted_less():
    index = KeywordIndex().updated(ROWS, NO_IDS)
    hits = dict(index.search("treaty", 10))
    assert set(hits) == {1, 3}
    # Content words after stopwords: 6, 6, 6, 6, 4 and 5 in the bodies; one heading word (two in row 3) at 0.4.
    lengths = {1: 6 + 0.4, 2: 6 + 0.4, 3: 6 + 0.8, 4: 6 + 0.4, 5: 4 + 0.4, 6: 5 + 0.4}
    avg = sum(lengths.values()) / 6
    assert hits[1] == pytest.approx(_bm25(1.0, 2, 6, lengths[1], avg), rel=1e-5)
    assert hits[3] == pytest.approx(_bm25(2.0 + 0.4, 2, 6, lengths[3], avg), rel=1e-5)
    assert index.search("treaty", 10)[0][0] == 3


def test_words_are_stemmed_and_stopwords_ignored():
    index = KeywordIndex().updated(ROWS, NO_IDS)
    assert [pid for pid, _ in index.search("install the package", 5)] == [4]
    assert index.search("the of and", 5) == []
    assert index.absent_terms(["installed", "submarine", "the"]) == ["submarine"]


def test_a_filter_keeps_only_allowed_passages():
    index = KeywordIndex().updated(ROWS, NO_IDS)
    assert [pid for pid, _ in index.search("treaty", 10, allowed_ids=np.array([1, 2]))] == [1]
    assert index.search("treaty", 10, allowed_ids=NO_IDS) == []


def test_updates_give_the_same_index_as_building_from_scratch():
    extra = [(5, "A new treaty on fishing rights was proposed.", "Fisheries"), (6, "Islands and boats.", "")]
    stepwise = KeywordIndex().updated(ROWS[:2], NO_IDS).updated(ROWS[2:] + extra[:1], NO_IDS)
    stepwise = stepwise.updated(extra[1:], np.array([2, 4]))
    scratch = KeywordIndex().updated([r for r in ROWS + extra if r[0] not in (2, 4)], NO_IDS)
    for query in ("treaty", "fishing boats islands", "install packages", "ministers Tokyo treaty"):
        got, want = stepwise.search(query, 10), scratch.search(query, 10)
        assert [p for p, _ in got] == [p for p, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], rtol=1e-6)
    assert stepwise.absent_terms(["packages"]) == ["packages"]  # its only passage was removed


def test_the_old_version_is_unchanged_by_an_update():
    old = KeywordIndex().updated(ROWS, NO_IDS)
    before = old.search("treaty fishing", 10)
    old.updated([(9, "Treaty fishing treaty fishing brand new words.", "")], np.array([1]))
    assert old.search("treaty fishing", 10) == before
    assert old.absent_terms(["brand"]) == ["brand"]


def test_ties_are_ordered_by_passage_id_and_k_is_respected():
    rows = [(i, "identical passage text", "") for i in (7, 3, 5)]
    index = KeywordIndex().updated(rows, NO_IDS)
    assert [pid for pid, _ in index.search("identical", 2)] == [3, 5]


def _document(name: str, text: str) -> Document:
    return Document(name, name, name, text, hashlib.sha256(text.encode()).hexdigest())


def test_the_index_keyword_search_follows_its_generations(tmp_path):
    index = Index(tmp_path / "idx", "test-embedder", dimension=4)
    rng = np.random.default_rng(0)

    def update(name: str, text: str) -> DocumentUpdate:
        doc = _document(name, text)
        return _update(doc, rng.random((1, 4), dtype=np.float32))

    index.apply([update("a", "Volcanoes erupt lava."), update("b", "Glaciers carve valleys.")])
    assert [index.store.passages([p])[p][0].doc_id for p, _ in index.keywords.search("lava", 5)] == ["a"]
    index.apply([update("c", "Lava cools into basalt.")], removals=["a"])
    hits = index.keywords.search("lava", 5)
    assert [index.store.passages([p])[p][0].doc_id for p, _ in hits] == ["c"]
    assert len(index.keywords) == 2

    # A second process's view (another Index on the same folder) catches up by refreshing.
    reader = Index(tmp_path / "idx", "test-embedder")
    assert len(reader.keywords) == 2
    index.apply([update("d", "More lava flows.")])
    reader.refresh()
    assert len(reader.keywords.search("lava", 5)) == 2


def test_save_and_load_give_the_same_index(tmp_path):
    index = KeywordIndex().updated(ROWS, NO_IDS)
    index.save(tmp_path / "k.npz")
    loaded = KeywordIndex.load(tmp_path / "k.npz")
    for query in ("treaty", "install packages", "fishing boats"):
        assert loaded.search(query, 10) == index.search(query, 10)
    more = [(9, "Fishing treaty.", "")]
    assert loaded.updated(more, np.array([1])).search("treaty", 10) == index.updated(more, np.array([1])).search(
        "treaty", 10)


def _update(doc, vectors: np.ndarray) -> DocumentUpdate:
    """The document as one passage with the given vector (its sentences share it)."""
    passages = [Passage(doc.id, 0, len(doc.text), doc.text, 0)]
    return DocumentUpdate(doc, passages, vectors, passage_vector_sentences(passages, vectors))


def _index_with(tmp_path, texts: dict[str, str], name: str = "idx") -> Index:
    index = Index(tmp_path / name, "test-embedder", dimension=4)
    rng = np.random.default_rng(0)
    updates = []
    for doc_name, text in texts.items():
        doc = _document(doc_name, text)
        updates.append(_update(doc, rng.random((1, 4), dtype=np.float32)))
    index.apply(updates)
    return index


def test_a_server_starts_from_the_keyword_cache_and_reads_only_new_passages(tmp_path, monkeypatch):
    monkeypatch.setattr("rag.index.KEYWORDS_CACHE_MIN_NEW", 1)
    texts = {f"doc{i}": f"Passage number {i} about volcano {i} and lava." for i in range(40)}
    writer = _index_with(tmp_path, texts)
    built = writer.keywords
    assert (tmp_path / "idx" / "keywords.npz").exists()
    doc = _document("late", "A late passage about basalt.")
    writer.apply([_update(doc, np.ones((1, 4), dtype=np.float32))], removals=["doc3"])

    reader = Index(tmp_path / "idx", "test-embedder")
    fetched: list[int] = []
    original = reader.store.passage_texts
    monkeypatch.setattr(reader.store, "passage_texts", lambda ids: fetched.append(len(ids)) or original(ids))
    keywords = reader.keywords
    assert fetched[0] <= 16 and fetched[1:] == [1]  # a sample to check the cache, then only the new passage
    assert len(keywords) == len(built)  # one removed, one added
    assert [p for p, _ in keywords.search("basalt", 5)] == [p for p, _ in writer.keywords.search("basalt", 5)]
    assert keywords.search("lava", 100) == writer.keywords.search("lava", 100)


def test_a_damaged_or_foreign_keyword_cache_is_ignored(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr("rag.index.KEYWORDS_CACHE_MIN_NEW", 1)
    ours = _index_with(tmp_path, {"a": "Volcanoes erupt lava.", "b": "Glaciers carve valleys."}, "ours")
    expected = ours.keywords.search("lava glaciers", 5)
    other = _index_with(tmp_path, {"x": "Completely different words here, many of them.", "y": "And more."}, "other")
    other.keywords  # noqa: B018 - writes other's cache
    cache = tmp_path / "ours" / "keywords.npz"
    ours.keywords.save(tmp_path / "by-another-analyzer.npz")
    np.savez(tmp_path / "by-another-analyzer.npz", **{
        k: v for k, v in np.load(tmp_path / "by-another-analyzer.npz").items() if k != "analyzer"})
    for content in (b"not a zip file", (tmp_path / "other" / "keywords.npz").read_bytes(),
                    (tmp_path / "by-another-analyzer.npz").read_bytes()):
        cache.write_bytes(content)
        assert Index(tmp_path / "ours", "test-embedder").keywords.search("lava glaciers", 5) == expected
    assert caplog.text.count("ignoring the keyword cache") == 3
    assert "was made by analyzer 'unknown'" in caplog.text


API_ROWS = [
    (20, "Utilities\n\ntally.count(items, key=None)\nCount the items that share each key.", "API > Utilities"),
    (21, "Examples\n\ntally.count(basket)\n\nprint(totals)", "Guide"),  # a call in example code defines nothing
    (22, "Counter.most_common(n=None)\nReturn the n most common keys.", "API > Counter"),
]


def test_the_names_a_passage_defines_are_looked_up_apart_from_its_words():
    index = KeywordIndex().updated(ROWS + API_ROWS, NO_IDS)
    assert index.defining([["=defines:tally.count", "=defines:count"]]) == [20]
    # a method asked with its class is found under its own name when no entry spells the class out
    assert index.defining([["=defines:stats.Counter.most_common", "=defines:Counter.most_common"]]) == [22]
    assert index.defining([["=defines:counter.most_common"]]) == []  # code keeps its case
    assert index.defining([["=defines:tally.sum", "=defines:sum"]]) == []
    assert index.defining([["=defines:tally.count"]], allowed_ids=np.array([21, 22])) == []
    # they are no words: no query finds them, and the passage's length (its BM25) is its words' alone
    assert index.search("defines tally count", 5) == index.search("tally count", 5)
    same_words = API_ROWS[0][1].replace("\nCount", "\ncount")  # no description under the line: no definition
    words_only = KeywordIndex().updated([(20, same_words, API_ROWS[0][2])], NO_IDS)
    assert words_only.defining([["=defines:tally.count"]]) == []
    assert index.lengths_of(np.array([20]))[0] == words_only.lengths_of(np.array([20]))[0]


def test_definitions_follow_updates_and_survive_a_save(tmp_path):
    index = KeywordIndex().updated(API_ROWS, NO_IDS)
    index.save(tmp_path / "k.npz")
    loaded = KeywordIndex.load(tmp_path / "k.npz")
    assert loaded.defining([["=defines:tally.count"]]) == [20]
    assert loaded.updated([], np.array([20])).defining([["=defines:tally.count"]]) == []
