"""Fresh questions are graded on what the reader sees first: the short answer or the answer's opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.fresh_questions import FreshQuestion, is_right, read_questions
from rag.records import Answer

FRESH = Path(__file__).resolve().parents[2] / "evals" / "fresh"


def _answer(text: str, short: str | None = None, abstained: bool = False) -> Answer:
    return Answer("q", text, abstained=abstained, citations=[], confidence=0.5, short_answer=short)


def test_a_line_holds_a_question_and_its_expected_answers(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("Which check wraps a value?\tforce_list | force_list()\nWho wrote it?\t\n", encoding="utf-8")
    assert read_questions(path) == [FreshQuestion("Which check wraps a value?", ("force_list", "force_list()")),
                                    FreshQuestion("Who wrote it?", ())]


def test_a_line_without_a_tab_is_an_error_naming_it(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("Which check wraps a value? force_list\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1: no TAB"):
        read_questions(path)


def test_right_when_told_up_front_or_refused_where_nothing_answers():
    item = FreshQuestion("Who holds the copyright?", ("Leonard Richardson",))
    assert is_right(item, _answer("Copyright Leonard  Richardson. [1]"))
    assert is_right(item, _answer("x " * 200, short="leonard richardson"))
    assert not is_right(item, _answer("x " * 200 + "Leonard Richardson"))  # past what a reader sees first
    assert not is_right(item, _answer("The documents do not contain an answer.", abstained=True))
    assert is_right(FreshQuestion("Under which license?", ()), _answer("", abstained=True))
    assert not is_right(FreshQuestion("Under which license?", ()), _answer("MIT [1]"))
    # a curly quote in the document and a straight one in the expected string are the same
    assert is_right(FreshQuestion("q", ("a document's encoding",)), _answer("detect a document\u2019s encoding"))


@pytest.mark.parametrize("name", ["bs4", "cache", "conf", "sqlite", "doit", "cbor", "bidict", "blinker"])
def test_each_documents_questions_mix_answerable_and_unanswerable(name):
    questions = read_questions(FRESH / f"{name}.tsv")
    assert len(questions) == (24 if name == "blinker" else 32)
    assert sum(not q.expected for q in questions) == 5
