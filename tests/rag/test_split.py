import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.errors import InvalidInputError
from rag.load import load_bytes
from rag.records import Document, Section
from rag.sentences import sentence_spans
from rag.split import SplitConfig, split_document, whitespace_token_counter
from tests.conftest import SEED_FILE


def _doc(text: str, sections: tuple[Section, ...] = ()) -> Document:
    return Document(id="d", source="d.txt", title="T", text=text, content_hash="h", sections=sections)


words = st.text(alphabet=st.sampled_from(list("abcdefgh")), min_size=1, max_size=8)
sentence = st.lists(words, min_size=1, max_size=40).map(lambda ws: " ".join(ws).capitalize() + ".")
separator = st.sampled_from([" ", "  ", "\n", "\n\n", "\n\n\n"])
documents = st.lists(st.tuples(sentence, separator), min_size=1, max_size=40).map(
    lambda parts: "".join(s + sep for s, sep in parts)
)


@settings(max_examples=150, deadline=None)
@given(text=documents, max_tokens=st.integers(8, 60), overlap=st.integers(0, 7))
def test_passages_are_exact_ordered_and_cover_the_document(text, max_tokens, overlap):
    doc = _doc(text)
    passages = split_document(doc, SplitConfig(max_tokens, overlap), whitespace_token_counter)
    covered = [False] * len(text)
    for prev, p in zip(passages, passages[1:], strict=False):
        assert prev.start < p.start and prev.end < p.end
    for p in passages:
        assert p.text == text[p.start : p.end]
        for i in range(p.start, p.end):
            covered[i] = True
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


@settings(max_examples=150, deadline=None)
@given(text=documents, max_tokens=st.integers(8, 60))
def test_no_sentence_is_cut_unless_it_alone_exceeds_the_limit(text, max_tokens):
    doc = _doc(text)
    passages = split_document(doc, SplitConfig(max_tokens, 0), whitespace_token_counter)
    for s, e in sentence_spans(text):
        fits = whitespace_token_counter([text[s:e]])[0] <= max_tokens
        inside = any(p.start <= s and e <= p.end for p in passages)
        assert inside or not fits
    for p in passages:
        assert whitespace_token_counter([p.text])[0] <= max_tokens


def test_a_signature_longer_than_the_limit_keeps_its_line_and_the_start_of_its_description():
    arguments = ", ".join(f"arg{i}=None" for i in range(34))  # 34 tokens, the limit 40
    text = f"kiln.fire({arguments})\nFire every pot of the batch in one load. The rest of it goes on.\n\nNext part."
    passages = split_document(_doc(text), SplitConfig(40, 0), whitespace_token_counter)
    assert passages[0].text == f"kiln.fire({arguments})\nFire every pot of the batch in one load."
    assert whitespace_token_counter([passages[0].text])[0] <= 80  # at most twice the limit
    # A line of prose as long is cut at the limit, as before.
    prose = " ".join(f"w{i}" for i in range(34)) + "\nFire every pot of the batch in one load."
    assert [len(p.text.split()) for p in split_document(_doc(prose), SplitConfig(40, 0), whitespace_token_counter)] \
        == [40, 3]


def test_a_sentence_longer_than_the_limit_is_cut_at_word_boundaries():
    text = " ".join(f"w{i}" for i in range(25)) + "."
    passages = split_document(_doc(text), SplitConfig(10, 0), whitespace_token_counter)
    assert [len(p.text.split()) for p in passages] == [10, 10, 5]
    assert " ".join(p.text for p in passages) == text


def test_passages_do_not_cross_headings_and_carry_them_as_context():
    doc = load_bytes(SEED_FILE.read_bytes(), SEED_FILE.name)
    passages = split_document(doc, SplitConfig(128, 32), whitespace_token_counter)
    for p in passages:  # headings with no text of their own are the one thing carried into the next section
        inside = [s for s in doc.sections if p.start < s.start < p.end]
        if inside:
            bare = [s.title for s in doc.sections if p.start <= s.start < inside[-1].start]
            assert doc.text[p.start : inside[-1].start].split() == " ".join(bare).split()
    reform = [p for p in passages if "Security Council" in p.text]
    assert reform and all("Reform of the United Nations" in p.context for p in reform)
    assert all("Reform of the United Nations" not in p.text or p.text.startswith("2. Reform") for p in reform)


def test_a_heading_with_no_text_of_its_own_opens_the_next_sections_passage():
    text = ("Preface text.\n\n1 Basics\n\n1.1 Starting\n\n1.1.1 First steps\n\nType the command to start.\n\n"
            "2 Reference\n\nEvery option.")
    at = [text.index(h) for h in ("1 Basics", "1.1 Starting", "1.1.1 First steps", "2 Reference")] + [len(text)]
    sections = (Section("1 Basics", at[0], at[1], 1), Section("1.1 Starting", at[1], at[2], 2),
                Section("1.1.1 First steps", at[2], at[3], 3), Section("2 Reference", at[3], at[4], 1))
    doc = Document(id="d", source="d.txt", title="Manual", text=text, content_hash="h", sections=sections)
    passages = split_document(doc, SplitConfig(128, 0), whitespace_token_counter)
    assert [(p.text, p.context) for p in passages] == [
        ("Preface text.", "Manual"),
        ("1 Basics\n\n1.1 Starting\n\n1.1.1 First steps\n\nType the command to start.",
         "Manual > 1 Basics > 1.1 Starting > 1.1.1 First steps"),
        ("2 Reference\n\nEvery option.", "Manual > 2 Reference"),
    ]


def test_overlap_repeats_trailing_sentences_of_the_previous_passage():
    text = " ".join(f"Sentence number {i} is here." for i in range(12))
    passages = split_document(_doc(text), SplitConfig(16, 6), whitespace_token_counter)
    assert len(passages) > 2
    for prev, p in zip(passages, passages[1:], strict=False):
        assert p.start < prev.end  # shares at least one sentence


@pytest.mark.parametrize(("size", "overlap"), [(4, 0), (32, 32), (32, -1)])
def test_split_config_refuses_impossible_sizes(size, overlap):
    with pytest.raises(InvalidInputError):
        SplitConfig(size, overlap)


_NESTED_TEXT = "Intro line here.\n\nGuide\n\nGuide body.\n\nInstall the system\n\nDeep body sentence."


def _nested_doc() -> Document:
    t = _NESTED_TEXT
    guide, install = t.index("Guide"), t.index("Install")
    sections = (Section("Guide", guide, install, 1), Section("Install the system", install, len(t), 2))
    return Document(id="d", source="d.txt", title="Manual", text=t, content_hash="h", sections=sections)


@pytest.mark.parametrize(
    ("mode", "cap", "embedded"),
    [
        ("chain", 0, "Manual > Guide > Install the system"),
        ("heading", 0, "Install the system"),
        ("title", 0, "Manual"),
        ("none", 0, ""),
        ("chain", 5, "Guide > Install the system"),  # nearest headings first, whole
        ("chain", 2, "Install the"),  # the nearest heading alone is too long: its first words
        ("heading", 3, "Install the system"),
    ],
)
def test_the_embedded_context_follows_the_mode_and_cap_while_the_stored_one_stays_the_chain(mode, cap, embedded):
    passages = split_document(_nested_doc(), SplitConfig(128, 0, context=mode, context_tokens=cap), whitespace_token_counter)
    deep = next(p for p in passages if "Deep body" in p.text)
    assert deep.context == "Manual > Guide > Install the system"
    assert deep.embedding_text() == (f"{embedded}\n{deep.text}" if embedded else deep.text)
    assert deep.text == _NESTED_TEXT[deep.start : deep.end]
    if cap:
        assert whitespace_token_counter([deep.embedding_text()])[0] - whitespace_token_counter([deep.text])[0] <= cap


def test_heading_mode_falls_back_to_the_title_before_the_first_heading():
    passages = split_document(_nested_doc(), SplitConfig(128, 0, context="heading"), whitespace_token_counter)
    intro = next(p for p in passages if "Intro line" in p.text)
    assert intro.context == "Manual"
    assert intro.embedding_text() == f"Manual\n{intro.text}"


@pytest.mark.parametrize(("mode", "cap"), [("headings", 0), ("", 0), ("chain", -1)])
def test_split_config_refuses_unknown_context_modes_and_negative_caps(mode, cap):
    with pytest.raises(InvalidInputError):
        SplitConfig(context=mode, context_tokens=cap)
