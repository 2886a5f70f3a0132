"""The labelled question sets hold up against their corpora: evidence verbatim, answers present, splits set.

Each set evals/questions/<name>.jsonl is written against corpora/<name>/, which `make corpus` fetches
(and `make test` runs it first); a missing corpus is a failure, since the set would go unchecked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.corpora.check_questions import Corpus, check_item, check_set, load_corpus
from evals.formats import EvalItem, read_question_set

ROOT = Path(__file__).resolve().parents[2]
SETS = ("debian-reference", "werkzeug", "debian-faq", "r-intro", "nodejs", "psycopg2", "click", "jinja", "fhs")


@pytest.mark.parametrize("name", SETS)
def test_question_set_matches_its_corpus(name: str) -> None:
    folder = ROOT / "corpora" / name
    assert folder.is_dir(), f"corpus {folder} is missing: run `make corpus`"
    items = read_question_set(ROOT / "evals" / "questions" / f"{name}.jsonl").items
    assert check_set(items, load_corpus(folder)) == []


def test_check_names_each_kind_of_failure() -> None:
    corpus = Corpus(["Use alsamixer(1) to unmute.\n\nThe default port is 8000."])
    good = EvalItem("q1", "Which port?", ("8000", "port is 8000"), ("default port is 8000",), "heldout")
    assert check_item(good, corpus) == []
    trimmed = EvalItem("q2", "Which tool?", ("alsamixer", "alsamixer(1)"), ("Use alsamixer(1)",), "calibrate")
    assert check_item(trimmed, corpus) == []
    # Answers lead with a manual page's bare name, so "alsamixer" alone is scorable where the text has "alsamixer(1)".
    only_trimmed = EvalItem("q3", "Which tool?", ("alsamixer",), ("Use alsamixer(1)",), "calibrate")
    assert check_item(only_trimmed, corpus) == []
    inside_a_word = EvalItem("q3b", "Which tool?", ("mixer",), ("Use alsamixer(1)",), "calibrate")
    assert check_item(inside_a_word, corpus) == ["no answer occurs as whole words in the evidence or the corpus"]
    wrong = EvalItem("q4", "Which port?", ("8080",), ("default port is 8000", "the port is 9"), "")
    assert check_item(wrong, corpus) == [
        "no split",
        "evidence not in the corpus: 'the port is 9'",
        "answer not in its evidence nor in the corpus: '8080'",
        "no answer occurs as whole words in the evidence or the corpus",
    ]
    assert check_item(EvalItem("q5", "Who?", (), ("The default",), "heldout"), corpus) == [
        "unanswerable but has evidence"]


def test_missing_corpus_says_to_fetch_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `make corpus`"):
        load_corpus(tmp_path / "absent")
