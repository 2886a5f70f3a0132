"""Question-set readers (the project's JSONL, BEIR folders, SQuAD JSON) into one list of eval items.

A malformed line or entry is reported with its line number or position; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import InvalidInputError
from rag.load import document_id
from rag.records import Document
from rag.sentences import sentence_spans

SPLITS = ("calibrate", "heldout")


@dataclass(frozen=True)
class EvalItem:
    """One question with what counts as right: accepted answers ([] = unanswerable), evidence, qrels."""

    id: str
    question: str
    answers: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    split: str = ""
    doc_ids: tuple[str, ...] | None = None
    qrels: dict[str, int] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    @property
    def judged(self) -> bool:
        """Whether retrieval can be scored: some evidence phrase or qrels entry says what is relevant."""
        return any(e.strip() for e in self.evidence) or any(g > 0 for g in self.qrels.values())


@dataclass
class QuestionSet:
    """Items plus, for BEIR and SQuAD, the documents to index and the map from index doc id to corpus id."""

    path: Path
    format: str
    items: list[EvalItem]
    documents: list[Document] = field(default_factory=list)
    corpus_ids: dict[str, str] = field(default_factory=dict)
    retrieval_only: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def only_split(self, split: str | None) -> QuestionSet:
        if split is None:
            return self
        kept = [item for item in self.items if item.split == split]
        if not kept:
            raise InvalidInputError(f"{self.path}: no question has split {split!r}")
        self.items = kept
        return self


class QuestionSetError(InvalidInputError):
    """A question set with malformed entries; the message lists each one by line number."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        shown = problems[:20]
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{path}: {len(problems)} malformed entr{'y' if len(problems) == 1 else 'ies'}:\n  "
                         + "\n  ".join(shown) + more)
        self.problems = problems


def detect_format(path: Path) -> str:
    if path.is_dir():
        if (path / "corpus.jsonl").exists() and (path / "queries.jsonl").exists():
            return "beir"
        raise InvalidInputError(f"{path} is a folder but not a BEIR set (corpus.jsonl, queries.jsonl, qrels/)")
    if path.suffix.lower() == ".json":
        return "squad"
    return "jsonl"


def read_question_set(path: Path, fmt: str = "auto", allow_malformed: bool = False) -> QuestionSet:
    """Read a question set; malformed entries raise QuestionSetError unless `allow_malformed`,
    in which case they are kept in `problems` (and the report) and the rest is evaluated."""
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file or folder")
    fmt = detect_format(path) if fmt == "auto" else fmt
    readers = {"jsonl": read_jsonl, "beir": read_beir, "squad": read_squad}
    if fmt not in readers:
        raise InvalidInputError(f"unknown question-set format {fmt!r}; known: auto, {', '.join(readers)}")
    qset = readers[fmt](path)
    if qset.problems and not allow_malformed:
        raise QuestionSetError(path, qset.problems)
    if not qset.items:
        raise InvalidInputError(f"{path}: no questions to evaluate")
    return qset


# -- the project's JSONL --------------------------------------------------------------------------
def _string_list(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name!r} must be a list of strings")
    return tuple(value)


def parse_item(data: Any) -> EvalItem:
    """One JSONL object to an EvalItem; ValueError says what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("id", "question"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValueError(f"{key!r} must be a non-empty string")
    if "answers" not in data:
        raise ValueError("'answers' is missing (use [] for an unanswerable question)")
    answers = _string_list(data["answers"], "answers")
    evidence = _string_list(data.get("evidence", []), "evidence")
    split = data.get("split", "")
    if split and split not in SPLITS:
        raise ValueError(f"'split' must be one of {', '.join(SPLITS)}, got {split!r}")
    doc_ids = data.get("doc_ids")
    if doc_ids is not None:
        doc_ids = _string_list(doc_ids, "doc_ids")
    return EvalItem(data["id"], data["question"], answers, evidence, split, doc_ids)


def read_jsonl(path: Path) -> QuestionSet:
    items: list[EvalItem] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = parse_item(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if item.id in seen:
            problems.append(f"line {number}: id {item.id!r} already used on line {seen[item.id]}")
            continue
        seen[item.id] = number
        items.append(item)
    return QuestionSet(path, "jsonl", items, problems=problems)


def corpus_document(source: str, title: str, text: str) -> Document:
    """A document made from a corpus entry: its text kept exactly as given, so offsets match the set's."""
    return Document(id=document_id(source), source=source, title=title, text=text,
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())


# -- BEIR -----------------------------------------------------------------------------------------
def _read_jsonl_objects(path: Path, required: tuple[str, ...], problems: list[str]) -> list[dict]:
    out: list[dict] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name} line {number}: invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        missing = [k for k in required if not isinstance(data, dict) or not isinstance(data.get(k), str)]
        if missing:
            problems.append(f"{path.name} line {number}: missing or non-string {', '.join(map(repr, missing))}")
            continue
        out.append(data)
    return out


def _qrels_file(folder: Path) -> Path:
    qrels = folder / "qrels"
    files = sorted(qrels.glob("*.tsv")) if qrels.is_dir() else []
    if not files:
        raise InvalidInputError(f"{folder}: no qrels/*.tsv file")
    for preferred in ("test.tsv", "dev.tsv"):
        if qrels / preferred in files:
            return qrels / preferred
    if len(files) > 1:
        raise InvalidInputError(f"{qrels}: several qrels files and no test.tsv or dev.tsv: "
                                + ", ".join(f.name for f in files))
    return files[0]


def read_beir(folder: Path) -> QuestionSet:
    """A BEIR folder: corpus entries become documents (title + text); qrels say which are relevant."""
    problems: list[str] = []
    corpus = _read_jsonl_objects(folder / "corpus.jsonl", ("_id", "text"), problems)
    queries = _read_jsonl_objects(folder / "queries.jsonl", ("_id", "text"), problems)
    qrels_path = _qrels_file(folder)
    qrels: dict[str, dict[str, int]] = {}
    with qrels_path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            if not row or (number == 1 and row[0].strip().lower() in ("query-id", "query_id", "qid")):
                continue
            try:
                if len(row) != 3:
                    raise ValueError(f"expected 3 tab-separated fields, got {len(row)}")
                qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
            except ValueError as exc:
                problems.append(f"qrels/{qrels_path.name} line {number}: {exc}")

    documents: list[Document] = []
    corpus_ids: dict[str, str] = {}
    known: set[str] = set()
    for entry in corpus:
        cid = entry["_id"]
        if cid in known:
            problems.append(f"corpus.jsonl: id {cid!r} appears twice")
            continue
        known.add(cid)
        title = entry.get("title") if isinstance(entry.get("title"), str) else ""
        body = f"{title}\n\n{entry['text']}" if title else entry["text"]
        if not body.strip():
            problems.append(f"corpus.jsonl: entry {cid!r} has no text")
            continue
        doc = corpus_document(f"beir:{cid}", title or cid, body)
        documents.append(doc)
        corpus_ids[doc.id] = cid

    items: list[EvalItem] = []
    unjudged = 0
    for query in queries:
        judged = {doc: grade for doc, grade in qrels.get(query["_id"], {}).items()}
        if not any(g > 0 for g in judged.values()):
            unjudged += 1
            continue
        unknown = [doc for doc in judged if doc not in known]
        if unknown:
            problems.append(f"qrels: query {query['_id']!r} names unknown corpus id(s) {', '.join(unknown)}")
            continue
        items.append(EvalItem(query["_id"], query["text"], qrels=judged))
    qset = QuestionSet(folder, "beir", items, documents, corpus_ids, retrieval_only=True, problems=problems)
    qset.notes.append(f"qrels from {qrels_path.relative_to(folder)}")
    if unjudged:
        qset.notes.append(f"{unjudged} queries without relevant qrels are not evaluated (as in BEIR)")
    return qset


# -- SQuAD ----------------------------------------------------------------------------------------
def _answer_sentence(context: str, start: int, answer: str) -> str:
    """The sentence of `context` holding the answer at `start`: the evidence phrase (else the answer)."""
    for s, e in sentence_spans(context):
        if s <= start and start + len(answer) <= e:
            return context[s:e]
    return answer


def read_squad(path: Path) -> QuestionSet:
    """SQuAD 1.1/2.0 JSON: each context becomes a document; `is_impossible` questions are unanswerable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path}: not readable as JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InvalidInputError(f"{path}: a SQuAD file is an object with a 'data' list")
    problems: list[str] = []
    documents: list[Document] = []
    corpus_ids: dict[str, str] = {}
    items: list[EvalItem] = []
    seen: set[str] = set()
    for a, article in enumerate(data["data"]):
        title = article.get("title", "") if isinstance(article, dict) else ""
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            problems.append(f"data[{a}]: 'paragraphs' must be a list")
            continue
        for p, paragraph in enumerate(paragraphs):
            where = f"data[{a}].paragraphs[{p}]"
            context = paragraph.get("context") if isinstance(paragraph, dict) else None
            if not isinstance(context, str) or not context.strip():
                problems.append(f"{where}: 'context' must be a non-empty string")
                continue
            cid = f"{a}-{p}"
            doc = corpus_document(f"squad:{cid}", f"{title} ({p + 1})" if title else f"context {cid}", context)
            documents.append(doc)
            corpus_ids[doc.id] = cid
            for q, qa in enumerate(paragraph.get("qas", [])):
                try:
                    item = _squad_item(qa, context)
                except ValueError as exc:
                    problems.append(f"{where}.qas[{q}]: {exc}")
                    continue
                if item.id in seen:
                    problems.append(f"{where}.qas[{q}]: id {item.id!r} already used")
                    continue
                seen.add(item.id)
                items.append(item)
    return QuestionSet(path, "squad", items, documents, corpus_ids, problems=problems)


def _squad_item(qa: Any, context: str) -> EvalItem:
    if not isinstance(qa, dict):
        raise ValueError("not an object")
    qid, question = qa.get("id"), qa.get("question")
    if not isinstance(qid, str) or not qid or not isinstance(question, str) or not question.strip():
        raise ValueError("'id' and 'question' must be non-empty strings")
    if qa.get("is_impossible"):
        return EvalItem(qid, question)
    answers: list[str] = []
    evidence: list[str] = []
    for answer in qa.get("answers") or []:
        text, start = (answer.get("text"), answer.get("answer_start")) if isinstance(answer, dict) else (None, None)
        if not isinstance(text, str) or not text.strip() or not isinstance(start, int):
            raise ValueError("each answer needs 'text' and an integer 'answer_start'")
        if context[start:start + len(text)] != text:
            raise ValueError(f"answer {text!r} is not at answer_start {start} of its context")
        if text not in answers:
            answers.append(text)
        sentence = _answer_sentence(context, start, text)
        if sentence not in evidence:
            evidence.append(sentence)
    if not answers:
        raise ValueError("no answers and not is_impossible")
    return EvalItem(qid, question, tuple(answers), tuple(evidence))
