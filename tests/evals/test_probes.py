"""Probes are generated from an index's own entries and judged by what the answer quotes or leads with."""

from __future__ import annotations

from evals.probes import Probe, answered, generate, run
from rag.records import Answer, Citation

PAGE = """API

kiln.fire(pots, cone=6)
Fire the pots at the given cone.

Parameters:
- pots (list) – the pots to fire, in loading order.
- cone (int) – the temperature cone to reach.

Return type
list

kiln.vent()
Open the vent of the kiln.

--slow-cool
Cool the kiln over a whole day.

kiln.fire(pots)

Example text.
"""


def _answer(text: str, short: str | None = None) -> Answer:
    citation = Citation(1, "d", "s", "t", 0, len(text), text, 0.5)
    return Answer("q", text, abstained=False, citations=[citation], confidence=0.5, short_answer=short)


def test_each_probe_asks_one_shape_of_every_entry_found():
    assert [p.question for p in generate("what-does", [PAGE])] == ["What does kiln.fire do?", "What does kiln.vent do?"]
    assert generate("what-is", [PAGE])[0] == Probe("What is kiln.fire?", "Fire the pots at the given cone.")
    assert generate("call", [PAGE])[1].question == "What does vent() do?"
    assert [p.question for p in generate("parameter", [PAGE])] == [
        "What does the pots parameter of kiln.fire do?", "What does the cone parameter of kiln.fire do?"]
    assert Probe("What is the default value of the cone parameter of kiln.fire?", "6") in generate("default", [PAGE])
    others = {p.question.split(" of ")[-1].rstrip("?"): p.question.split(" the ")[2].split()[0]
              for p in generate("other-parameter", [PAGE + "kiln.glaze(colour, coats=2)\nGlaze it.\n"])}
    assert others["kiln.fire"] in ("colour", "coats") and others["kiln.glaze"] in ("pots", "cone")
    assert generate("returns", [PAGE]) == [Probe("What type does kiln.fire return?", "list")]
    assert generate("option", [PAGE]) == [Probe("What does the --slow-cool option do?", "Cool the kiln over a whole day.")]
    assert [p.question for p in generate("which-function", [PAGE])] == [
        "Which function fires the pots at the given cone?", "Which function opens the vent of the kiln?"]


def test_a_probe_is_answered_by_quoting_the_description_or_leading_with_the_name():
    probe = Probe("What does kiln.fire do?", "Fire the pots at the given cone.")
    assert answered("what-does", probe, _answer("Fire the pots at the given cone."))
    assert not answered("what-does", probe, _answer("kiln.fire(pots, cone=6)"))
    which = Probe("Which function opens the vent of the kiln?", "kiln.vent")
    assert answered("which-function", which, _answer("Open the vent of the kiln.", short="vent()"))
    assert not answered("which-function", which, _answer("Open the vent of the kiln.", short="kiln.fire"))
    assert not answered("which-function", which, _answer("Open the vent of the kiln."))
    assert answered("default", Probe("q", "6"), _answer("kiln.fire(pots, cone=6)", short="6"))
    assert not answered("other-parameter", Probe("q", ""), _answer("kiln.fire(pots, cone=6)", short="6"))


def test_run_counts_each_probe_over_a_seeded_choice_of_its_questions():
    asked = []

    def ask(question: str) -> Answer:
        asked.append(question)
        return _answer("Fire the pots at the given cone.", short="kiln.fire")

    results = run([PAGE], ask, ("what-does", "which-function"), limit=1)
    assert set(results) == {"what-does", "which-function"} and all(n == 1 for _, n in results.values())
    assert len(asked) == 2 and run([PAGE], ask, ("what-does",), limit=1) == {"what-does": results["what-does"]}
