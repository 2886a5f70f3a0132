"""Fresh questions: hand-written checks on documents no labelled set reads, graded on what a reader sees first.

    python -m evals.fresh_questions INDEX QUESTIONS.tsv [--show]

QUESTIONS.tsv holds a question and its expected answer a line, TAB-separated; the expected answer is one or more
strings separated by " | " (any one counts), or empty for a question the documents do not answer. A question counts
as right when an expected string is in the answer's short answer or its first 300 characters (case, curly quotes
and runs of white space aside), or, with none expected, when the answer abstains. The labelled sets (`rag eval`)
grade evidence and citations; this grades only whether the reader is told the answer, and is quick to write for a
new document (evals/fresh/: eight documents from Debian's archive and their questions, evals/README.md "Session 17").
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rag.records import Answer

_SEEN_CHARS = 300
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True)
class FreshQuestion:
    question: str
    expected: tuple[str, ...]  # empty: the documents do not answer it


def read_questions(path: Path) -> list[FreshQuestion]:
    """The questions of a TSV file; a line without a TAB is an error naming its line number."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            raise ValueError(f"{path}:{number}: no TAB between the question and its expected answer")
        question, expected = line.split("\t", 1)
        out.append(FreshQuestion(question.strip(), tuple(e.strip() for e in expected.split(" | ") if e.strip())))
    return out


def _normal(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split()).lower()


def is_right(item: FreshQuestion, answer: Answer) -> bool:
    """Told the answer up front, or refused where the documents hold none."""
    if not item.expected:
        return answer.abstained
    if answer.abstained:
        return False
    seen = (_normal(answer.short_answer or ""), _normal(answer.text)[:_SEEN_CHARS])
    return any(_normal(e) in part for e in item.expected for part in seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fresh_questions", description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="a local index folder holding the documents")
    parser.add_argument("questions", type=Path, help="a TSV file of questions and expected answers")
    parser.add_argument("--show", action="store_true", help="print every question, not only the wrong ones")
    args = parser.parse_args(argv)
    from rag.config import Settings
    from rag.service import RagService

    try:
        questions = read_questions(args.questions)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    service = RagService(Settings.from_env(index_dir=args.index))
    service.warm_up(create=False)
    right = 0
    try:
        for item in questions:
            answer = service.ask(item.question)
            ok = is_right(item, answer)
            right += ok
            if args.show or not ok:
                lead = re.sub(r"\s+", " ", answer.text)[:200]
                print(f"{'right' if ok else 'WRONG'}  {item.question}\n       expected: {' | '.join(item.expected) or '(a refusal)'}"
                      f"\n       answer: {lead}")
    finally:
        service.close()
    print(f"{right} of {len(questions)} right  ({args.questions})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
