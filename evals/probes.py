"""Probes: questions generated from an index's own API entries, to test one answer rule on many questions at once.

    python -m evals.probes INDEX [--probe NAME ...] [--limit 40] [--show]

The labelled sets hold a few questions of each shape; a probe asks one shape of every entry it finds (a random
`--limit` of them, seeded), so a rule's gain or loss on that shape is counted, not guessed. Probes and what counts as
answered:
- `what-does`: "What does click.echo do?" for a signature with its description right under it: a citation holds
  the description's first sentence.
- `what-is`: "What is click.echo?", the same check.
- `call`: "What does echo() do?" (the name's last part as a call), the same check.
- `parameter`: "What does the nl parameter of click.echo do?" for a "- nl (bool) – ..." line under a signature: a
  citation holds that line's description.
- `returns`: "What type does click.echo return?" for a "Return type" line under a signature ("What does X return?"
  for a "Returns" line): a citation (or the short answer) holds the line's value.
- `default`: "What is the default value of the nl parameter of click.echo?" for a parameter the signature gives a
  default: the short answer is that value.
- `other-parameter`: the same question of a parameter the entry lacks (another entry's): answered by a refusal.
- `option`: "What does the --vanilla option do?" for an option line with its description under it.
- `which-function`: "Which function prints a message ...?", the description's imperative verb put in the third
  person: the short answer names the entry.
The entries are found by the answerer's own readings of a line (`is_signature`, `term_name`), so a probe tests what
is done with an entry, not whether it is recognised. The questions follow the documents' own wording: a probe
measures a mechanism, not how well paraphrases are understood (that is what the labelled sets are for).
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.answer_phrases import term_name
from rag.answer_values import is_signature, signature_defaults, signature_parameters
from rag.records import Answer

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_PARAMETER = re.compile(r"^-\s+([a-z_]\w*)\s+\(([^)]*)\)\s+[–-]\s+(.{10,})$")
_OPTION = re.compile(r"--[A-Za-z0-9][\w-]*(?:[= ][^\s,]+)?")
_IMPERATIVE = re.compile(r"([A-Z][a-z]+) ([^.]{10,90})\.")


@dataclass(frozen=True)
class Probe:
    question: str
    expected: str  # the text a citation must hold, or the name the short answer must give


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def _third_person(verb: str) -> str:
    word = verb.lower()
    if word.endswith(("s", "sh", "ch", "x")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _entries(passages: list[str]) -> Iterator[tuple[str, str, list[str]]]:
    """(name, the line under its signature, the lines below) of each signature with a description under it."""
    for text in passages:
        lines = text.split("\n")
        for i, line in enumerate(lines[:-1]):
            stripped, below = line.strip(), lines[i + 1].strip()
            if stripped and is_signature(stripped) and below[:1].isupper():
                yield term_name(stripped), below, lines[i + 1:]


def generate(kind: str, passages: list[str]) -> list[Probe]:
    """Every probe of `kind` the passages give, one a name (the first entry of a name wins)."""
    found: dict[str, Probe] = {}
    if kind in ("default", "other-parameter"):
        return _default_probes(kind, passages)
    if kind == "option":
        for text in passages:
            lines = text.split("\n")
            for i, line in enumerate(lines[:-1]):
                stripped, below = line.strip().strip("`#* "), lines[i + 1].strip()
                if _OPTION.fullmatch(stripped) and (below[:1].isupper() or below[:1] == "("):
                    name = re.split(r"[= ]", stripped)[0]
                    found.setdefault(name, Probe(f"What does the {name} option do?", _first_sentence(below)))
        return list(found.values())
    for name, below, rest in _entries(passages):
        if kind == "which-function":
            verb = _IMPERATIVE.match(below)
            if verb and not verb.group(1).endswith("s") and re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", name):
                found.setdefault(name, Probe(f"Which function {_third_person(verb.group(1))} {verb.group(2)}?", name))
            continue
        if not _DOTTED.fullmatch(name) or below.startswith(("Parameters", "Return")):
            continue
        if kind == "returns":
            for j, line in enumerate(rest[1:-1], start=1):
                label = line.strip().rstrip(":")
                if label in ("Return type", "Returns") and rest[j + 1].strip():
                    asked = "What type does {} return?" if label == "Return type" else "What does {} return?"
                    found.setdefault(name, Probe(asked.format(name), rest[j + 1].strip()))
                    break
                if is_signature(line.strip()):
                    break  # the next entry's
            continue
        if kind == "parameter":
            for line in rest[1:]:
                m = _PARAMETER.match(line.strip())
                if m and m.group(1) not in ("self", "args", "kwargs"):
                    found.setdefault(f"{name} {m.group(1)}", Probe(
                        f"What does the {m.group(1)} parameter of {name} do?", _first_sentence(m.group(3))))
            continue
        question = {"what-does": f"What does {name} do?", "what-is": f"What is {name}?",
                    "call": f"What does {name.rsplit('.', 1)[-1]}() do?"}[kind]
        found.setdefault(name, Probe(question, _first_sentence(below)))
    return list(found.values())


def _signatures(passages: list[str]) -> dict[str, str]:
    """Each dotted name's first signature line."""
    found: dict[str, str] = {}
    for text in passages:
        for line in text.split("\n"):
            stripped = line.strip()
            if stripped and is_signature(stripped) and _DOTTED.fullmatch(name := term_name(stripped)):
                found.setdefault(name, stripped)
    return found


def _default_probes(kind: str, passages: list[str]) -> list[Probe]:
    """`default`: a parameter the signature gives a default (expected: that value); `other-parameter`: one the entry
    lacks, another entry's (expected: a refusal)."""
    signatures = _signatures(passages)
    if kind == "default":
        return [Probe(f"What is the default value of the {p} parameter of {name}?", value)
                for name, line in signatures.items() for p, value in signature_defaults(line).items() if len(p) > 2]
    params = {name: set(signature_parameters(line)) for name, line in signatures.items()}
    pool = sorted({p for ps in params.values() for p in ps if len(p) > 3 and p not in ("self", "args", "kwargs")})
    rng = random.Random(13)
    out = []
    for name in sorted(n for n in params if params[n]):
        same_name = set().union(*(ps for n, ps in params.items() if n.split(".")[-1] == name.split(".")[-1]))
        other = [p for p in pool if p not in same_name]
        if other:
            out.append(Probe(f"What is the default value of the {rng.choice(other)} parameter of {name}?", ""))
    return out


def answered(kind: str, probe: Probe, answer: Answer) -> bool:
    if kind == "other-parameter":
        return answer.abstained
    if kind == "default":
        return (answer.short_answer or "").strip("'\"") == probe.expected.strip("'\"")
    if kind == "which-function":
        lead = term_name(answer.short_answer or "").lower()
        name = probe.expected.lower()
        return bool(lead) and (lead == name or lead.split(".")[-1] == name.split(".")[-1])
    want = _norm(probe.expected)[:40]
    return any(want in _norm(c.text) or _norm(c.text)[:40] in want for c in answer.citations) or \
        kind == "returns" and want in _norm(answer.short_answer or "")


PROBES = ("what-does", "what-is", "call", "parameter", "returns", "default", "other-parameter", "option",
          "which-function")


def run(passages: list[str], ask: Callable[[str], Answer], kinds: tuple[str, ...] = PROBES, limit: int = 40,
        show: Callable[[str], None] | None = None) -> dict[str, tuple[int, int]]:
    """For each probe kind, (answered, asked) over at most `limit` of its questions (a seeded random choice)."""
    out = {}
    for kind in kinds:
        probes = sorted(generate(kind, passages), key=lambda p: p.question)
        random.Random(13).shuffle(probes)
        probes = probes[:limit]
        good = 0
        for probe in probes:
            answer = ask(probe.question)
            ok = answered(kind, probe, answer)
            good += ok
            if show and not ok:
                show(f"[{kind}] {probe.question}\n    want: {probe.expected[:100]}\n    got:  {answer.text[:140]!r}")
        out[kind] = (good, len(probes))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.probes", description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="a local index folder (its store.sqlite is read for entries)")
    parser.add_argument("--probe", action="append", choices=PROBES, help="the probes to run (default: all)")
    parser.add_argument("--limit", type=int, default=40, help="questions a probe at most (default 40)")
    parser.add_argument("--show", action="store_true", help="print the questions not answered")
    args = parser.parse_args(argv)
    from rag.config import Settings
    from rag.service import RagService

    with sqlite3.connect(args.index / "store.sqlite") as db:
        passages = [row[0] for row in db.execute("SELECT text FROM passages ORDER BY id")]
    service = RagService(Settings(index_dir=args.index))
    try:
        results = run(passages, service.ask, tuple(args.probe or PROBES), args.limit, print if args.show else None)
    finally:
        service.close()
    for kind, (good, asked) in results.items():
        print(f"{kind:15s} {good}/{asked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
