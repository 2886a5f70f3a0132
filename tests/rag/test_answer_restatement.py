"""A fact stated twice in the passages read: the answer cites its second statement too (rag/answer.py)."""

from __future__ import annotations

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.records import Hit, Passage, ScoredSentence


def _hit(*sentences: tuple[str, float], context: str = "", doc: str = "d", sep: str = " ", score: float = 1.0) -> Hit:
    """A passage of `sentences` (text, similarity)."""
    text, scored = "", []
    for sentence, similarity in sentences:
        start = len(text) + (len(sep) if text else 0)
        text = f"{text}{sep}{sentence}" if text else sentence
        scored.append(ScoredSentence(start, len(text), sentence, similarity))
    return Hit(Passage(doc, 0, len(text), text, 0, context=context), score, sentences=scored)


# The rule with a wide margin, to show what it takes and leaves; the default margin is narrower (see the last test).
WIDE = AnswerConfig(threshold=0.0, corroborate_margin=0.15)


def test_a_fact_stated_again_elsewhere_is_cited_in_both_places():
    question = "Which group gives users access to the serial ports?"
    row = _hit(("dialout | full and direct access to serial ports", 0.72), context="Groups", doc="a")
    prose = _hit(("The device is accessible to users in the dialout group.", 0.70), context="Device files", doc="b",
                 score=0.9)
    answer = ExtractiveAnswerer(WIDE).answer(question, [row, prose])
    assert [c.doc_id for c in answer.citations] == ["a", "b"] and answer.text.startswith("dialout")
    alone = ExtractiveAnswerer(AnswerConfig(threshold=0.0, corroborate_margin=0.0)).answer(question, [row, prose])
    assert [c.doc_id for c in alone.citations] == ["a"]
    # Far below the best, the other statement is no support worth a citation.
    weak = _hit(("The device is accessible to users in the dialout group.", 0.30), context="Device files", doc="b",
                score=0.5)
    assert [c.doc_id for c in ExtractiveAnswerer(WIDE).answer(question, [row, weak]).citations] == ["a"]


def test_a_restatement_is_not_the_sentence_next_to_the_quote():
    # The next row names the same group: it belongs to the same statement, not a second one.
    adjacent = _hit(("dialout | full and direct access to serial ports", 0.72),
                    ("dialout | also used by modems on serial ports", 0.60), context="Groups", sep="\n")
    answer = ExtractiveAnswerer(WIDE).answer("Which group gives users access to the serial ports?", [adjacent])
    assert len(answer.citations) == 1


def test_a_phrase_of_common_words_or_a_copy_of_the_quote_is_no_restatement():
    answerer = ExtractiveAnswerer(WIDE)
    question = "Which pager does a bare Debian system use by default?"
    best = _hit(("The default pager of the bare bone Debian system is more(1) which cannot scroll back.", 0.7),
                context="Pagers", doc="a")
    # "more" answers, but a sentence that says "see more" states nothing about pagers.
    see_more = _hit(("See more on the default pager of a bare Debian system in its manual.", 0.66), context="Less",
                    doc="b")
    assert answerer.answer(question, [best, see_more]).text.startswith("more")
    assert len(answerer.answer(question, [best, see_more]).citations) == 1
    # The same sentence in another passage (a document that repeats itself) is cited once.
    routing = "Which converter does a rule use when none is named? "
    copy_a = _hit(("The default converter is UnicodeConverter.", 0.7), context="Rules", doc="a")
    copy_b = _hit(("The default converter is UnicodeConverter.", 0.62), context="Converters", doc="b")
    assert len(answerer.answer(routing, [copy_a, copy_b]).citations) == 1


def test_a_restatement_in_the_same_section_counts_when_apart_from_the_quote():
    # A list item and, two sentences on, the prose that says it again (both under "Copyright history").
    history = _hit(("- The Reference (version 1) by Osamu Aoki (2001–2007)", 0.74),
                   ("It was translated into several languages.", 0.30),
                   ("The Reference was started by Osamu Aoki as a personal memo.", 0.70), context="Copyright history",
                   sep="\n")
    answer = ExtractiveAnswerer(WIDE).answer("Who started the Reference?", [history])
    assert answer.text.startswith("Osamu Aoki")
    assert [c.text for c in answer.citations] == ["The Reference was started by Osamu Aoki as a personal memo.",
                                                  "- The Reference (version 1) by Osamu Aoki (2001–2007)"]
    # Without the rule, the item scores too far below the prose to be joined.
    alone = ExtractiveAnswerer(AnswerConfig(threshold=0.0, corroborate_margin=0.0)).answer("Who started the Reference?",
                                                                                          [history])
    assert len(alone.citations) == 1


def test_by_default_only_a_restatement_scoring_within_a_few_hundredths_is_cited():
    question = "Which group gives users access to the serial ports?"
    row = _hit(("dialout | full and direct access to serial ports", 0.72), context="Groups", doc="a")
    close = _hit(("The device is accessible to users in the dialout group.", 0.83), context="Device files", doc="b",
                 score=0.9)
    farther = _hit(("The device is accessible to users in the dialout group.", 0.70), context="Device files", doc="b",
                   score=0.9)
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    scores = [c.score for c in answerer.candidates(question, [row, close])]
    assert 0.02 < scores[0] - scores[1] <= 0.03  # past the join margin, within the restatement one
    assert [c.doc_id for c in answerer.answer(question, [row, close]).citations] == ["a", "b"]
    assert [c.doc_id for c in answerer.answer(question, [row, farther]).citations] == ["a"]
