"""Each metric on small examples whose values were worked out by hand."""

from __future__ import annotations

import math

import pytest

from evals import metrics as m
from evals.scoring import aggregate, answer_length, by_type, check_spans, failed_checks, score_answer


def test_evidence_matching_ignores_case_and_whitespace_but_not_words():
    assert m.contains_phrase("The  reported size is\nin KiB.", "reported SIZE is in kib")
    assert not m.contains_phrase("The reported size is in MiB.", "size is in KiB")
    assert not m.contains_phrase("anything", "   ")


def test_squad_normalisation_drops_case_punctuation_and_articles():
    assert m.squad_normalize("The  Krasnoyarsk-Agreement, an accord!") == "krasnoyarskagreement accord"
    # Typographic quotes and dashes are punctuation too: “tool” answers "tool".
    assert m.squad_normalize("werkzeug German noun: “tool” — ‘x’…") == "werkzeug german noun tool x"
    assert m.answer_contains("werkzeug German noun: “tool”. [1]", ["tool"])


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


def test_a_short_answer_is_right_when_it_is_holds_or_is_part_of_an_accepted_answer():
    assert m.short_answer_matches("approximately 50 minutes", ["50 minutes"])  # holds one
    assert m.short_answer_matches("Putin", ["Vladimir Putin"])  # part of one
    assert m.short_answer_matches("the Tokai region", ["Tokai region"])  # normalised: the article goes
    assert m.short_answer_matches("werkzeug.routing.PathConverter", ["PathConverter"])  # a qualified name's last part
    assert not m.short_answer_matches("routing.Map", ["PathConverter"])
    assert not m.short_answer_matches("Kono", ["Igor Sergeyevich Ivanov", "Ivanov"])  # someone else
    assert not m.short_answer_matches("Kon", ["Kono"])  # whole tokens only
    assert not m.short_answer_matches("—", ["Kono"])  # nothing left once normalised


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
        {**_record("q2", True, False, 0.0, [bad], 4), "short_answer_accuracy": 0.0},
        _record("q3", False, True, 0.0, [], "unjudged"),
    ]
    out = aggregate(records)
    assert out["short_answer_accuracy"] == 0.0  # over q2 only: q1 has no short answer
    assert aggregate(records[:1])["short_answer_accuracy"] is None
    assert out["hit@1"] == 0.5 and out["hit@5"] == 1.0 and out["mrr"] == pytest.approx((1 + 0.25) / 2)
    assert out["answer_accuracy"] == 0.5 and out["token_f1"] == 0.25
    assert out["citation_precision"] == pytest.approx(1 / 3)  # 1 supporting of 3 citations
    assert out["citation_recall"] == 0.5
    assert out["span_validity"] == pytest.approx(1 / 3)
    assert out["abstention_precision"] == 1.0 and out["abstention_recall"] == 1.0
    assert out["wrong_abstention_rate"] == 0.0
    assert out["counts"]["judged_for_retrieval"] == 2
    assert failed_checks(records[1]) == ["hit@1", "hit@3", "answer_accuracy", "citation_recall",
                                         "citation_precision", "short_answer", "span_validity"]


def test_span_check_reports_unavailable_when_no_document_can_be_fetched():
    records = [{"citations": [{"doc_id": "d1", "start": 0, "end": 1, "text": "A"}]}]
    status = check_spans(records, lambda doc_id: None)
    assert status["status"] == "unavailable"
    assert records[0]["citations"][0]["span_valid"] is None
    assert aggregate([{**records[0], "answerable": False, "abstained": False}], "unavailable")["span_validity"] is None
    status = check_spans(records, {"d1": "A document"}.get)
    assert status == {"status": "checked", "citations": 1, "valid": 1}


def test_answer_chars_leave_out_markers_and_count_whitespace_runs_once():
    assert m.answer_chars("approximately 50 minutes [1]") == len("approximately 50 minutes")
    assert m.answer_chars("Kono met  Ivanov [1]\nin New York [2].") == len("Kono met Ivanov in New York .")
    assert m.answer_chars("") == 0


def test_answer_sentences_count_distinct_markers_else_sentences():
    assert m.answer_sentences("Kono met Ivanov. [1] They talked for 50 minutes. [2] Kono again [1]") == 2
    assert m.answer_sentences("50 minutes. The ministers met on 14 September [3]") == 1
    # No markers (an answer quoted without them): the sentences themselves are counted.
    assert m.answer_sentences("The ministers met. They talked for 50 minutes. Then they left.") == 3
    assert m.answer_sentences("   ") == 0


def test_length_distribution_by_hand():
    chars = [30, 50, 51, 100, 150, 450, 601, 900, 20, 10]
    sentences = [1, 1, 1, 1, 2, 2, 3, 4, 0, 1]
    out = m.length_distribution(chars, sentences, 4)
    assert out["with_short_answer"] == 0.4
    # sorted: 10 20 30 50 51 100 150 450 601 900 -> nearest rank p50 is the 5th, p90 the 9th
    assert out["answered"] == 10 and out["p50_chars"] == 51 and out["p90_chars"] == 601 and out["max_chars"] == 900
    assert out["at_most_one_sentence"] == 0.6
    assert out["histogram"] == {"<=50": 4, "<=100": 2, "<=200": 1, "<=400": 0, "<=600": 1, ">600": 2}
    empty = m.length_distribution([], [])
    assert empty["answered"] == 0 and empty["p50_chars"] is None and empty["at_most_one_sentence"] is None
    assert sum(empty["histogram"].values()) == 0


class _Item:
    answerable, answers, evidence = True, ("50 minutes",), ("for approximately 50 minutes",)


def test_score_answer_records_the_answer_shape_and_zero_when_abstained():
    citation = {"doc_id": "d", "start": 0, "end": 40, "text": "on 14 September for approximately 50 minutes"}
    out = score_answer(_Item(), {"abstained": False, "answer": "approximately 50 minutes [1]",
                                 "citations": [citation]})
    assert out["answer_chars"] == 24 and out["answer_sentences"] == 1 and out["answer_accuracy"] == 1.0
    assert out["short_answer"] is None and "short_answer_accuracy" not in out  # no lead: not counted either way
    # A wrong lead before a quote that holds the answer: the answer is right, its short answer is not.
    out = score_answer(_Item(), {"abstained": False, "answer": "14 September — on 14 September for approximately "
                                 "50 minutes [1]", "short_answer": "14 September", "citations": [citation]})
    assert out["answer_accuracy"] == 1.0 and out["short_answer_accuracy"] == 0.0
    out = score_answer(_Item(), {"abstained": True, "answer": "I cannot answer that from the documents.",
                                 "citations": []})
    assert out["answer_chars"] == 0 and out["answer_sentences"] == 0 and out["short_answer"] is None


def test_by_type_and_answer_length_by_hand():
    good = {"doc_id": "d", "start": 0, "end": 1, "text": "a", "supports": True, "span_valid": True}
    records = [
        {**_record("q1", True, False, 1.0, [good], 1), "question": "Who met Ivanov?", "question_type": "who",
         "answer_chars": 40, "answer_sentences": 1, "short_answer": "Kono"},
        {**_record("q2", True, False, 0.0, [], 2), "question": "Who spoke first?", "question_type": "who",
         "answer_chars": 700, "answer_sentences": 3},
        {**_record("q3", False, True, 0.0, [], "unjudged"), "question": "Who won the marathon?",
         "question_type": "who", "answer_chars": 0, "answer_sentences": 0},
        {**_record("q4", True, True, 0.0, [], 1), "question": "How long did they talk?",
         "question_type": "how long", "answer_chars": 0, "answer_sentences": 0},
        # Written before records had a type: classified from its question; failed with an error.
        {**_record("q5", True, False, 0.0, [], None), "question": "Why did Kono say so?", "error": "boom",
         "answer_chars": 0, "answer_sentences": 0},
    ]
    out = by_type(records)
    assert list(out) == ["who", "how long", "why"]  # in QUESTION_TYPES order
    assert out["who"] == {"questions": 3, "answerable": 2, "answer_accuracy": 0.5, "citation_recall": 0.5,
                          "abstention": pytest.approx(1 / 3)}
    assert out["how long"] == {"questions": 1, "answerable": 1, "answer_accuracy": 0.0, "citation_recall": 0.0,
                               "abstention": 1.0}
    assert out["why"]["questions"] == 1 and out["why"]["abstention"] == 0.0
    length = answer_length(records)  # answered: q1 and q2 (q3, q4 abstained; q5 failed)
    assert length["answered"] == 2 and length["max_chars"] == 700 and length["p50_chars"] == 40
    assert length["at_most_one_sentence"] == 0.5 and length["with_short_answer"] == 0.5
    assert length["histogram"]["<=50"] == 1 and length["histogram"][">600"] == 1
