"""Checks a labelled question set against its corpus without running the service on it.

    python -m evals.corpora.check_questions evals/questions/werkzeug.jsonl corpora/werkzeug

Every evidence phrase must occur verbatim (case and whitespace aside, as retrieval scores it) in some
document's canonical text. Every accepted answer must occur in its evidence or in the corpus, as whole
words once SQuAD-normalised (as answer accuracy scores it) or verbatim: "alsamixer" is a fair variant
where the text says "alsamixer(1)", which normalises to one word. At least one answer of each
question must occur as whole words, so that quoting the text can be scored right. An unanswerable
question has no evidence, and every question has a split. Exits 1 naming each failure.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from evals.formats import EvalItem, read_question_set
from evals.metrics import contains_phrase, normalize_phrase, squad_normalize
from rag.errors import RagError
from rag.load import find_files, load_path

# Longer evidence than this rarely fits in one passage, and a phrase split over two counts as not retrieved.
MAX_EVIDENCE_CHARS = 200


class Corpus:
    """The corpus's canonical texts, normalised once both ways the metrics match text."""

    def __init__(self, texts: list[str]) -> None:
        self.phrase_texts = [normalize_phrase(t) for t in texts]
        self.answer_texts = [f" {squad_normalize(t)} " for t in texts]

    def has_phrase(self, phrase: str) -> bool:
        needle = normalize_phrase(phrase)
        return bool(needle) and any(needle in text for text in self.phrase_texts)

    def has_answer(self, answer: str) -> bool:
        needle = f" {squad_normalize(answer)} "
        return needle.strip() != "" and any(needle in text for text in self.answer_texts)

    def scorable(self, answer: str, evidence: tuple[str, ...]) -> bool:
        """The answer occurs as whole normalised words in its evidence or in the corpus."""
        return _answer_in(answer, evidence) or self.has_answer(answer)

    def mentions(self, answer: str, evidence: tuple[str, ...]) -> bool:
        """The answer occurs at all: scorable, or verbatim inside a longer word of the evidence or corpus."""
        return (self.scorable(answer, evidence) or any(contains_phrase(e, answer) for e in evidence)
                or self.has_phrase(answer))


def load_corpus(folder: Path) -> Corpus:
    """Every supported file under `folder`, loaded as ingest would; a missing or empty folder is an error."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such corpus folder (run `make corpus`)")
    files, _ = find_files([folder])
    if not files:
        raise FileNotFoundError(f"{folder}: no documents in the corpus folder (run `make corpus`)")
    return Corpus([load_path(path).text for path in files])


def _answer_in(answer: str, texts: tuple[str, ...]) -> bool:
    needle = f" {squad_normalize(answer)} "
    return any(needle in f" {squad_normalize(t)} " for t in texts)


def check_item(item: EvalItem, corpus: Corpus) -> list[str]:
    """What is wrong with one question; [] when nothing is."""
    problems = []
    if not item.split:
        problems.append("no split")
    if not item.answers:
        if item.evidence:
            problems.append("unanswerable but has evidence")
        return problems
    if not item.evidence:
        problems.append("answerable but has no evidence")
    for phrase in item.evidence:
        if len(phrase) > MAX_EVIDENCE_CHARS:
            problems.append(f"evidence longer than {MAX_EVIDENCE_CHARS} characters: {phrase[:60]!r}...")
        if not corpus.has_phrase(phrase):
            problems.append(f"evidence not in the corpus: {phrase!r}")
    for answer in item.answers:
        if not squad_normalize(answer):
            problems.append(f"answer {answer!r} is empty once normalised")
        elif not corpus.mentions(answer, item.evidence):
            problems.append(f"answer not in its evidence nor in the corpus: {answer!r}")
    if not any(corpus.scorable(answer, item.evidence) for answer in item.answers):
        problems.append("no answer occurs as whole words in the evidence or the corpus")
    return problems


def check_set(items: list[EvalItem], corpus: Corpus) -> list[str]:
    """One line per failure, each naming the question's id."""
    return [f"{item.id}: {problem}" for item in items for problem in check_item(item, corpus)]


def summary(items: list[EvalItem]) -> str:
    answerable = sum(1 for item in items if item.answerable)
    splits = Counter(item.split for item in items)
    return (f"{len(items)} questions ({answerable} answerable, {len(items) - answerable} unanswerable; "
            + ", ".join(f"{name} {count}" for name, count in sorted(splits.items())) + ")")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m evals.corpora.check_questions SET.jsonl CORPUS_DIR", file=sys.stderr)
        return 2
    try:
        items = read_question_set(Path(args[0]), "jsonl").items
        corpus = load_corpus(Path(args[1]))
    except (RagError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = check_set(items, corpus)
    for line in problems:
        print(line)
    print(f"{args[0]}: {summary(items)}: " + (f"{len(problems)} failure(s)" if problems else "all checks pass"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
