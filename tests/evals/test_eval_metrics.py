"""Each metric on small examples whose values were worked out by hand."""

from __future__ import annotations

import math

import pytest

from evals import metrics as m
from evals.scoring import aggregate, check_spans, failed_checks


def test_evidence_matching_ignores_case_and_whitespace_but_not_words():
    assert m.contains_phrase("The  reported size is\nin KiB.", "reported SIZE is in kib")
    assert not m.contains_phrase("The reported size is in MiB.", "size is in KiB")
    assert not m.contains_phrase("anything", "   ")


def test_squad_normalisation_drops_case_punctuation_and_articles():
    assert m.squad_normalize("The  Krasnoyarsk-Agreement, an accord!") == "krasnoyarskagreement accord"


def test_hit_at_k_and_reciprocal_rank_from_the_first_relevant_rank():
    covered = [set(), set(), {"e:0"}, set()]
    first = m.first_relevant_rank(covered)
    assert first == 3
    assert [m.hit_at_k(first, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert m.reciprocal_rank(first) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(None) == 0.0
    assert m.reciprocal_rank(11, k=10) == 0.0


def test_ndcg_single_phrase_is_one_over_log2_of_rank_plus_one():
    gains = m.gold_gains(["phrase"], {})
    assert m.ndcg_at_k([{"e:0"}], gains) == 1.0
    assert m.ndcg_at_k([set(), {"e:0"}], gains) == pytest.approx(1 / math.log2(3))  # 0.6309
    assert m.ndcg_at_k([set()] * 10 + [{"e:0"}], gains) == 0.0  # beyond k


def test_ndcg_with_graded_qrels_by_hand():
    # Relevant docs d7 (grade 2) and d6 (grade 1); the ranking shows d6 first, d7 third.
    gains = m.gold_gains([], {"d7": 2, "d6": 1, "d1": 0})
    assert gains == {"d:d7": 2.0, "d:d6": 1.0}
    dcg = 1 / math.log2(2) + 2 / math.log2(4)  # 1 + 1 = 2
    idcg = 2 / math.log2(2) + 1 / math.log2(3)  # 2 + 0.6309 = 2.6309
    assert m.ndcg_at_k([{"d:d6"}, set(), {"d:d7"}], gains) == pytest.approx(dcg / idcg)  # 0.7602


def test_ndcg_counts_an_item_once_and_never_exceeds_one():
    gains = m.gold_gains(["a", "b"], {})
    # One passage holding both phrases earns one rank's worth; a repeat earns nothing.
    value = m.ndcg_at_k([{"e:0", "e:1"}, {"e:0", "e:1"}], gains)
    assert value == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert m.ndcg_at_k([{"e:0"}, {"e:1"}], gains) == pytest.approx(1.0)


def test_gold_items_of_a_passage_use_evidence_and_qrels():
    items = m.gold_items_of("Kono met  Ivanov in New York", "d3", ["kono met ivanov", "Tokyo"], {"d3": 1})
    assert items == {"e:0", "d:d3"}
    assert m.gold_items_of("nothing", "d4", ["kono"], {"d3": 1}) == set()


def test_answer_accuracy_needs_whole_normalised_tokens_and_ignores_markers():
    assert m.answer_contains("Minister Yohei Kono met Ivanov [1]", ["yohei kono"])
    assert m.answer_contains("for approximately 50 minutes [2]", ["50 minutes"])
    assert not m.answer_contains("Konoha village [1]", ["Kono"])
    assert not m.answer_contains("", ["Kono"])


def test_exact_match_and_token_f1_by_hand():
    assert m.exact_match("The Krasnoyarsk Agreement [1]", ["Krasnoyarsk Agreement"]) == 1.0
    assert m.exact_match("the Krasnoyarsk Agreement was key", ["Krasnoyarsk Agreement"]) == 0.0
    # prediction tokens: krasnoyarsk agreement was key (4); gold: krasnoyarsk agreement (2); common 2
    # precision 2/4, recall 2/2 -> F1 = 2 * 0.5 * 1 / 1.5 = 0.6667
    assert m.token_f1("the Krasnoyarsk Agreement was key", ["Krasnoyarsk Agreement", "nothing"]) == pytest.approx(2 / 3)
    assert m.token_f1("", ["Kono"]) == 0.0
    assert m.token_f1("Ivanov", ["Kono"]) == 0.0


def test_citation_support_and_span_validity():
    doc = "Alpha beta. Gamma delta."
    fetch = {"d1": doc}.get
    assert m.citation_supports("Gamma  delta.", ["gamma delta"])
    assert not m.citation_supports("Alpha beta.", ["gamma delta"])
    assert m.span_valid({"doc_id": "d1", "start": 12, "end": 24, "text": "Gamma delta."}, fetch)
    assert not m.span_valid({"doc_id": "d1", "start": 11, "end": 24, "text": "Gamma delta."}, fetch)
    assert not m.span_valid({"doc_id": "d1", "start": 20, "end": 99, "text": "elta."}, fetch)
    assert not m.span_valid({"doc_id": "gone", "start": 0, "end": 5, "text": "Alpha"}, fetch)


def test_abstention_scores_by_hand():
    # 4 answerable (one wrongly abstained), 2 unanswerable (one abstained, one answered).
    abstained = [False, False, False, True, True, False]
    answerable = [True, True, True, True, False, False]
    scores = m.abstention_scores(abstained, answerable)
    assert scores == {"abstention_precision": 0.5, "abstention_recall": 0.5, "wrong_abstention_rate": 0.25}
    assert m.abstention_scores([False], [True])["abstention_precision"] is None  # never abstained


def test_nearest_rank_percentiles():
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 7.0, 6.0, 9.0, 8.0]
    assert m.percentile(values, 50) == 5.0
    assert m.percentile(values, 95) == 10.0
    assert m.percentile(values, 90) == 9.0
    assert m.percentile([], 50) is None
    assert m.latency_summary([3.0, 1.0, 2.0]) == {"p50": 2.0, "p95": 3.0, "max": 3.0, "n": 3}


def _record(qid, answerable, abstained, accuracy, citations, first_rank):
    record = {"id": qid, "split": "calibrate", "answerable": answerable, "abstained": abstained,
              "citations": citations, "answers": ["x"] if answerable else [], "ask_ms": 10.0,
              "retrieval": None if first_rank == "unjudged" else {
                  "first_relevant_rank": first_rank, "mrr": m.reciprocal_rank(first_rank),
                  "ndcg@10": 0.0, **{f"hit@{k}": m.hit_at_k(first_rank, k) for k in (1, 3, 5, 10)}}}
    if answerable:
        record.update(answer_accuracy=accuracy, exact_match=0.0, token_f1=accuracy / 2,
                      citation_recall=1.0 if any(c["supports"] for c in citations) else 0.0)
    return record


def test_aggregate_by_hand():
    good = {"doc_id": "d", "start": 0, "end": 1, "text": "a", "supports": True, "span_valid": True}
    bad = {"doc_id": "d", "start": 0, "end": 1, "text": "b", "supports": False, "span_valid": False}
    records = [
        _record("q1", True, False, 1.0, [good, bad], 1),
        _record("q2", True, False, 0.0, [bad], 4),
        _record("q3", False, True, 0.0, [], "unjudged"),
    ]
    out = aggregate(records)
    assert out["hit@1"] == 0.5 and out["hit@5"] == 1.0 and out["mrr"] == pytest.approx((1 + 0.25) / 2)
    assert out["answer_accuracy"] == 0.5 and out["token_f1"] == 0.25
    assert out["citation_precision"] == pytest.approx(1 / 3)  # 1 supporting of 3 citations
    assert out["citation_recall"] == 0.5
    assert out["span_validity"] == pytest.approx(1 / 3)
    assert out["abstention_precision"] == 1.0 and out["abstention_recall"] == 1.0
    assert out["wrong_abstention_rate"] == 0.0
    assert out["counts"]["judged_for_retrieval"] == 2
    assert failed_checks(records[1]) == ["hit@1", "hit@3", "answer_accuracy", "citation_recall",
                                         "citation_precision", "span_validity"]


def test_span_check_reports_unavailable_when_no_document_can_be_fetched():
    records = [{"citations": [{"doc_id": "d1", "start": 0, "end": 1, "text": "A"}]}]
    status = check_spans(records, lambda doc_id: None)
    assert status["status"] == "unavailable"
    assert records[0]["citations"][0]["span_valid"] is None
    assert aggregate([{**records[0], "answerable": False, "abstained": False}], "unavailable")["span_validity"] is None
    status = check_spans(records, {"d1": "A document"}.get)
    assert status == {"status": "checked", "citations": 1, "valid": 1}
