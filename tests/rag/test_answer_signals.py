"""Signals past a sentence's own words: the heading of its section, and the sentence it leans on."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_signals import focus_match, heading_overlap, section_heading, term_rarity
from rag.answer_weights import HAND_WEIGHTS, SentenceWeights
from rag.records import Hit, Passage, ScoredSentence
from rag.terms import content_stems


def _hit(*sentences: tuple[str, float], context: str = "", doc: str = "d", sep: str = " ", at: int = 0,
         score: float = 1.0) -> Hit:
    """A passage of `sentences` (text, similarity) starting at offset `at` of its document."""
    text, scored = "", []
    for sentence, similarity in sentences:
        start = len(text) + (len(sep) if text else 0)
        text = f"{text}{sep}{sentence}" if text else sentence
        scored.append(ScoredSentence(at + start, at + len(text), sentence, similarity))
    return Hit(Passage(doc, at, at + len(text), text, 0, context=context), score, sentences=scored)


def test_the_section_heading_is_the_innermost_part_of_the_context():
    assert section_heading("Timers > Class: Timeout > timeout.unref()") == "timeout.unref()"
    assert section_heading("Only a title") == "Only a title"
    assert section_heading("") == ""


def test_heading_overlap_is_the_share_of_question_words_in_the_sentences_own_section():
    terms = content_stems("What does timeout.unref() do?")
    assert heading_overlap(terms, "Timers > Class: Timeout > `timeout.unref()`") == pytest.approx(1.0)
    # The chapter above names the class, the section another method: half the question's words.
    assert heading_overlap(terms, "Timers > Class: Timeout > `timeout.ref()`") == pytest.approx(0.5)
    assert heading_overlap(frozenset(), "Timers") == 0.0


def test_a_sentence_under_the_asked_entrys_heading_beats_one_under_its_neighbours():
    question = "What does the flush method do?"
    # Both sections are in a chapter that names the method (the word overlap counts the whole chain alike); only
    # the innermost heading tells them apart.
    neighbour = _hit(("Buffers are written out when the stream closes.", 0.60), context="Flushing > close()", doc="a")
    asked = _hit(("Writes out every buffered record at once.", 0.58), context="Flushing > flush()", doc="b")
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences(question, [neighbour, asked])
    assert scored[0].sentence.text.startswith("Writes out")
    assert scored[0].features["heading_overlap"] == pytest.approx(0.5) and scored[1].features["heading_overlap"] == 0.0
    # Without the signal the neighbour's higher similarity wins: the heading is what decides.
    blind = SentenceWeights({**HAND_WEIGHTS, "heading_overlap": 0.0})
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=blind)).score_sentences(question, [neighbour, asked])
    assert scored[0].sentence.text.startswith("Buffers")


def test_a_sentence_that_leans_on_a_matching_one_carries_its_similarity():
    hit = _hit(("The function seq() generates sequences of numbers.", 0.70), ("It has five arguments.", 0.45),
               ("Sequences are vectors too.", 0.50))
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences("How many arguments does seq() have?",
                                                                             [hit])
    by_text = {c.sentence.text: c.features for c in scored}
    assert by_text["It has five arguments."]["continues_match"] == pytest.approx(0.70)
    assert "continues_match" not in by_text["Sequences are vectors too."]  # stands on its own
    assert "continues_match" not in by_text["The function seq() generates sequences of numbers."]  # the first


def test_a_sentence_cut_by_a_line_break_leans_on_its_first_half_but_not_across_a_paragraph():
    line_cut = _hit(("If you need it, set them up to use the", 0.6), ("relay which is easy to set up.", 0.4), sep="\n")
    paragraph = _hit(("Set them up to use the relay.", 0.6), ("relay which is easy to set up.", 0.4), sep="\n\n")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    cut = {c.sentence.text: c.features for c in answerer.score_sentences("Which relay is easy?", [line_cut])}
    apart = {c.sentence.text: c.features for c in answerer.score_sentences("Which relay is easy?", [paragraph])}
    assert cut["relay which is easy to set up."]["continues_match"] == pytest.approx(0.6)
    assert "continues_match" not in apart["relay which is easy to set up."]


def test_a_sentence_does_not_lean_on_a_heading_above_it_nor_across_a_blank_line():
    heading = _hit(("# pathkit — path helpers", 0.7), ("The pathkit module joins paths.", 0.6), sep="\n")
    new_paragraph = _hit(("This script checks the files.", 0.7), ("The scripts are kept up to date.", 0.6), sep="\n\n")
    same_paragraph = _hit(("This script checks the files.", 0.7), ("The scripts are kept up to date.", 0.6))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))

    def features(hit: Hit, question: str) -> dict[str, float]:
        return next(c.features for c in answerer.score_sentences(question, [hit]) if c.position == 1)

    assert "continues_match" not in features(heading, "What does pathkit.join do?")
    assert "continues_match" not in features(new_paragraph, "Where are the scripts kept?")
    assert features(same_paragraph, "Where are the scripts kept?")["continues_match"] == pytest.approx(0.7)


def test_a_passages_first_sentence_leans_on_the_last_one_of_the_passage_read_before_it():
    # The splitter cut a paragraph after "... used directly." (one line break apart): "It is exported ..." continues
    # the passage before it, which was read too.
    first = _hit(("The escape() method is used by stringify().", 0.30), ("It is not meant to be used directly.", 0.80),
                 context="Query string > escape()")
    cut = first.passage.end + 1
    second = _hit(("It is exported to let code replace the encoding.", 0.70), context="Query string > escape()", at=cut)
    elsewhere = _hit(("It is exported to let code replace the encoding.", 0.70), context="Query string > escape()",
                     at=cut + 50, doc="d")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    question = "Why is escape() exported?"

    def leans(hits: list[Hit]) -> dict[str, float]:
        return next(c.features for c in answerer.score_sentences(question, hits) if c.sentence.text.startswith("It is exp"))

    assert leans([second, first])["continues_match"] == pytest.approx(0.80)  # in any order of the hits
    assert "continues_match" not in leans([elsewhere, first])  # a passage further on: not the paragraph's rest
    assert "continues_match" not in leans([second])  # the passage before was not read


def test_term_rarity_counts_the_questions_words_over_the_sentences_read():
    stems = [content_stems(t) for t in ("The log file is rotated.", "The log file is kept.", "A greeting is shown.")]
    rarity = term_rarity(content_stems("Which log file holds the greeting?"), stems)
    assert set(rarity) == content_stems("log file greeting")  # "holds" is in no sentence: left out
    assert rarity[next(iter(content_stems("greeting")))] > rarity[next(iter(content_stems("log")))]
    assert focus_match(rarity, stems[2]) == pytest.approx(1.0)
    assert 0.0 < focus_match(rarity, stems[0]) < 1.0
    assert focus_match(rarity, content_stems("Nothing asked here.")) == 0.0
    assert focus_match({}, stems[0]) == 0.0
    # A word every sentence holds tells none apart.
    assert focus_match(term_rarity(content_stems("log"), stems[:2]), stems[0]) == 0.0


def test_the_sentence_with_the_questions_rarest_word_beats_one_sharing_more_common_words():
    question = "Which file holds the greeting text shown on the console after login?"
    common = _hit(("The log file of the console can be customized by a file under /etc.", 0.62),
                  ("Console login text is shown by the getty program.", 0.55), ("The file is read at boot.", 0.50))
    rare = _hit(("The system starts with the greeting message stored in /etc/motd.", 0.60), doc="e")
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences(question, [common, rare])
    assert scored[0].sentence.text.startswith("The system starts with the greeting")
    assert scored[0].features["focus_match"] == pytest.approx(1.0)
    # With the word weight all on plain overlap (the weights before focus_match), the common words win.
    blind = SentenceWeights({**HAND_WEIGHTS, "overlap": 0.25, "focus_match": 0.0})
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=blind)).score_sentences(question, [common, rare])
    assert scored[0].sentence.text.startswith("The log file")


def test_a_fact_stated_again_elsewhere_is_cited_in_both_places():
    question = "Which group gives users access to the serial ports?"
    row = _hit(("dialout | full and direct access to serial ports", 0.72), context="Groups", doc="a")
    prose = _hit(("The device is accessible to users in the dialout group.", 0.62), context="Device files", doc="b",
                 score=0.9)
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [row, prose])
    assert [c.doc_id for c in answer.citations] == ["a", "b"] and answer.text.startswith("dialout")
    alone = ExtractiveAnswerer(AnswerConfig(threshold=0.0, corroborate_margin=0.0)).answer(question, [row, prose])
    assert [c.doc_id for c in alone.citations] == ["a"]
    # Far below the best, the other statement is no support worth a citation.
    weak = _hit(("The device is accessible to users in the dialout group.", 0.30), context="Device files", doc="b",
                score=0.5)
    assert [c.doc_id for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [row, weak]).citations] \
        == ["a"]


def test_a_restatement_is_not_the_sentence_next_to_the_quote():
    # The next row names the same group: it belongs to the same statement, not a second one.
    adjacent = _hit(("dialout | full and direct access to serial ports", 0.72),
                    ("dialout | also used by modems on serial ports", 0.60), context="Groups", sep="\n")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "Which group gives users access to the serial ports?", [adjacent])
    assert len(answer.citations) == 1


def test_a_phrase_of_common_words_or_a_copy_of_the_quote_is_no_restatement():
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
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
