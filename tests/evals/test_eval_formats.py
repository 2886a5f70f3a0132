"""Question-set readers: the project's JSONL, BEIR folders and SQuAD JSON; malformed entries are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.formats import QuestionSetError, read_question_set
from rag.errors import InvalidInputError

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "evals" / "questions"


def test_the_project_question_sets_parse_completely():
    seeds = read_question_set(QUESTIONS / "seeds.jsonl")
    assert len(seeds.items) == 51 and seeds.format == "jsonl"
    assert sum(not i.answerable for i in seeds.items) == 12
    debian = read_question_set(QUESTIONS / "debian-reference.jsonl")
    assert len(debian.items) == 101
    assert {i.split for i in debian.items} == {"calibrate", "heldout"}


def test_malformed_jsonl_lines_are_reported_by_line_number(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    lines = [
        {"id": "ok-1", "question": "Who?", "answers": ["Kono"], "evidence": ["Kono"]},
        "{not json",
        {"id": "no-answers", "question": "What?"},
        {"id": "ok-1", "question": "Again?", "answers": []},
        {"id": "bad-split", "question": "Where?", "answers": [], "split": "train"},
        {"id": "", "question": "Empty id", "answers": []},
        {"id": "ok-2", "question": "Fine", "answers": [], "evidence": []},
    ]
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n")
    with pytest.raises(QuestionSetError) as info:
        read_question_set(path)
    message = str(info.value)
    for number, fragment in ((2, "invalid JSON"), (3, "'answers' is missing"), (4, "id 'ok-1' already used on line 1"),
                             (5, "'split' must be one of"), (6, "'id' must be a non-empty string")):
        assert f"line {number}: {fragment}" in message
    assert "5 malformed entries" in message
    allowed = read_question_set(path, allow_malformed=True)
    assert [i.id for i in allowed.items] == ["ok-1", "ok-2"]
    assert len(allowed.problems) == 5


def test_beir_folder_is_detected_and_read_with_qrels():
    qset = read_question_set(QUESTIONS / "beir-seeds")
    assert qset.format == "beir" and qset.retrieval_only
    assert len(qset.documents) == 8 and len(qset.items) == 12  # q13 has no qrels and is set aside, with a note
    assert any("1 queries without relevant qrels" in note for note in qset.notes)
    q10 = next(i for i in qset.items if i.id == "q10")
    assert q10.qrels == {"d7": 2, "d6": 1}
    # Every corpus entry's text is a verbatim excerpt of the seed document.
    seed = (ROOT / "seeds" / "000_fb07636c2cdaa24d.txt").read_text()
    for doc in qset.documents:
        body = doc.text.split("\n\n", 1)[1]
        assert body in seed
        assert qset.corpus_ids[doc.id] in {f"d{n}" for n in range(1, 9)}


def test_beir_problems_are_named(tmp_path: Path):
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text('{"_id": "a", "text": "Alpha"}\n{"_id": 3}\n')
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "alpha?"}\n{"_id": "q2", "text": "beta?"}\n')
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tzzz\t1\nq3\ta\n")
    with pytest.raises(QuestionSetError) as info:
        read_question_set(tmp_path)
    message = str(info.value)
    assert "corpus.jsonl line 2: missing or non-string '_id', 'text'" in message
    assert "qrels/test.tsv line 4: expected 3 tab-separated fields" in message
    assert "query 'q2' names unknown corpus id(s) zzz" in message


def test_squad_contexts_become_documents_and_impossible_questions_unanswerable():
    qset = read_question_set(QUESTIONS / "squad-seeds.json")
    assert qset.format == "squad" and not qset.retrieval_only
    assert len(qset.documents) == 4 and len(qset.items) == 9
    by_id = {i.id: i for i in qset.items}
    assert not by_id["sq3"].answerable and by_id["sq3"].evidence == ()
    sq8 = by_id["sq8"]
    assert sq8.answers == ("Tokai region", "Tokai")
    # The evidence is the context sentence that holds the answer.
    assert len(sq8.evidence) == 1 and "Tokai region of Japan" in sq8.evidence[0]
    assert sq8.evidence[0] in qset.documents[3].text


def test_squad_answer_offsets_are_checked(tmp_path: Path):
    path = tmp_path / "squad.json"
    path.write_text(json.dumps({"data": [{"title": "T", "paragraphs": [{"context": "Kono met Ivanov.", "qas": [
        {"id": "a", "question": "Who met Ivanov?", "answers": [{"text": "Kono", "answer_start": 3}]},
        {"id": "b", "question": "Who?", "answers": [], "is_impossible": True},
    ]}]}]}))
    with pytest.raises(QuestionSetError, match=r"qas\[0\]: answer 'Kono' is not at answer_start 3"):
        read_question_set(path)


def test_unknown_paths_and_formats_are_clear_errors(tmp_path: Path):
    with pytest.raises(InvalidInputError, match="no such file"):
        read_question_set(tmp_path / "missing.jsonl")
    with pytest.raises(InvalidInputError, match="not a BEIR set"):
        read_question_set(tmp_path)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InvalidInputError, match="no questions"):
        read_question_set(empty)


def test_split_selection_keeps_only_that_split():
    heldout = read_question_set(QUESTIONS / "seeds.jsonl").only_split("heldout")
    assert len(heldout.items) == 17 and {i.split for i in heldout.items} == {"heldout"}
    with pytest.raises(InvalidInputError, match="no question has split 'heldout'"):
        read_question_set(QUESTIONS / "beir-seeds").only_split("heldout")
