from hypothesis import given, settings
from hypothesis import strategies as st

from rag.sentences import sentence_spans
from tests.conftest import SEED_FILE


def test_splits_the_seed_document_into_its_sentences():
    text = SEED_FILE.read_text(encoding="utf-8")
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert "However, it was noted that the issue of negotiations on a peace treaty remained." in sentences
    assert "2. Reform of the United Nations" in sentences
    assert any(s.startswith("From 10:50") and s.endswith("General Assembly.") for s in sentences)


def test_abbreviations_initials_and_decimals_do_not_end_sentences():
    text = "Dr. Smith met J. R. Doe at 3.5 p.m. today. Then e.g. tea was served. It cost $4.20 in the U.S. shop."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Dr. Smith met J. R. Doe at 3.5 p.m. today.",
        "Then e.g. tea was served.",
        "It cost $4.20 in the U.S. shop.",
    ]


def test_blank_lines_and_list_items_are_boundaries_but_wrapped_lines_are_not():
    text = (
        "Intro line\n\n- first item\n- second item\n"
        "A long sentence that is wrapped across two lines because the writer\nuses a narrow editor.\n"
    )
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Intro line",
        "- first item",
        "- second item",
        "A long sentence that is wrapped across two lines because the writer\nuses a narrow editor.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n:-1AZ")), max_size=300))
def test_spans_are_ordered_trimmed_and_cover_every_non_space_character(text):
    spans = sentence_spans(text)
    covered = [False] * len(text)
    previous_end = 0
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        for i in range(s, e):
            covered[i] = True
        previous_end = e
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))
