"""PDF: page texts joined by blank lines, footnote markers left out, headings as sections from the outline or
from type; encrypted, corrupt and oversized files are refused with a reason."""

import io

import pytest

from rag.errors import DocumentLoadError
from rag.load import load_bytes, pdf
from rag.load.isolated import load_untrusted
from rag.records import Document

Segment = tuple[str, float, bool, float]  # text, type size, bold, baseline raised by (points)
Line = str | list[Segment]  # a plain string is one 12 pt Helvetica segment


def make_pdf(pages: list[list[Line]], title: str | None = None) -> bytes:
    """A minimal hand-written PDF: each line's segments placed with their own size, weight and baseline.

    Helvetica is F1, Helvetica-Bold F2. A segment's x is an underestimate of where the previous one ended, so
    pypdf (which advances by real glyph widths) sees no gap and inserts no space between segments.
    """

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    page_ids = [5 + 2 * i for i in range(len(pages))]
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    for pid, lines in zip(page_ids, pages, strict=True):
        ops, y = [], 740.0
        for line in lines:
            segments = [(line, 12.0, False, 0.0)] if isinstance(line, str) else line
            y -= 1.4 * max(size for _, size, _, _ in segments)
            x = 72.0
            for text, size, bold, rise in segments:
                font = "F2" if bold else "F1"
                ops.append(f"/{font} {size:g} Tf 1 0 0 1 {x:.1f} {y + rise:.1f} Tm ({escape(text)}) Tj")
                x += 0.3 * size * len(text)
        stream = ("BT " + " ".join(ops) + " ET").encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {pid + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info = ""
    if title is not None:
        objects.append(f"<< /Title ({escape(title)}) >>".encode("latin-1"))
        info = f" /Info {len(objects)} 0 R"
    return _pdf_file(objects, info)


def _pdf_file(objects: list[bytes], info: str = "") -> bytes:
    """The PDF file of numbered objects (the catalog first), with its cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypt(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pages_are_joined_by_blank_lines_and_empty_pages_left_out() -> None:
    doc = load_bytes(make_pdf([["Hello world", "second line"], [], ["Page three"]]), "report.pdf")
    assert doc.text == "Hello world\nsecond line\n\nPage three"
    assert doc.media_type == "application/pdf"
    assert doc.title == "Hello world"


def test_metadata_title_wins_over_first_line() -> None:
    doc = load_bytes(make_pdf([["Body text"]], title="Annual Report"), "r.pdf")
    assert doc.title == "Annual Report"


def test_blank_metadata_title_falls_back_to_first_line() -> None:
    doc = load_bytes(make_pdf([["Body text"]], title="  "), "r.pdf")
    assert doc.title == "Body text"


def test_pdf_with_a_user_password_is_refused() -> None:
    with pytest.raises(DocumentLoadError, match=r"^locked\.pdf: PDF is encrypted$"):
        load_bytes(encrypt(make_pdf([["Secret"]]), "secret"), "locked.pdf")


def test_pdf_encrypted_with_an_empty_user_password_opens() -> None:
    doc = load_bytes(encrypt(make_pdf([["Readable anyway"]]), ""), "perm.pdf")
    assert doc.text == "Readable anyway"


@pytest.mark.parametrize(
    "data",
    [b"just some text, not a PDF", b"%PDF-1.4\n" + bytes(range(256)) * 8, make_pdf([["Hello"]])[:60]],
)
def test_corrupt_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(DocumentLoadError, match=r"^bad\.pdf: not a readable PDF: "):
        load_bytes(data, "bad.pdf")


def test_pdf_without_text_is_empty() -> None:
    with pytest.raises(DocumentLoadError, match="is empty"):
        load_bytes(make_pdf([[]]), "scan.pdf")


def test_too_many_pages_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    with pytest.raises(DocumentLoadError, match="more than 1"):
        load_bytes(make_pdf([["a"], ["b"]]), "many.pdf")


def test_too_much_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_CHARS", 10)
    with pytest.raises(DocumentLoadError, match="longer than 10 characters"):
        load_bytes(make_pdf([["Hello world, this is long"]]), "bomb.pdf")


BODY = 12.0


def body(text: str) -> list[Segment]:
    return [(text, BODY, False, 0.0)]


def heading(text: str, size: float, bold: bool = True) -> list[Segment]:
    return [(text, size, bold, 0.0)]


def add_outline(data: bytes, entries: list[tuple[str, int, int | None]]) -> bytes:
    """The PDF with outline entries (title, page index, index of the parent entry or None) added."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    made = []
    for title, page, parent in entries:
        made.append(writer.add_outline_item(title=title, page_number=page, parent=None if parent is None else made[parent]))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def section_texts(doc: Document) -> list[tuple[str, int, str]]:
    """Each section's title, level and the printed text its span starts with (as long as the title)."""
    return [(s.title, s.level, doc.text[s.start : s.start + len(s.title)]) for s in doc.sections]


def test_a_footnote_marker_glued_to_a_word_is_left_out_and_its_footnote_kept() -> None:
    data = make_pdf([[
        [*body("The workspace is saved to a file called .RData"), ("5", 7.0, False, 4.0),
         *body(" in the current directory.")],
        [*body("Comments can be put almost"), ("2", 7.0, False, 4.0), *body(" anywhere, after a hashmark.")],
        [*body("It joins its arguments end to end."), ("1", 7.0, False, 4.0)],
        [("5", 7.0, False, 4.0), (" The leading dot makes the file invisible.", 9.0, False, 0.0)],
    ]])
    doc = load_bytes(data, "intro.pdf")
    assert doc.text == (
        "The workspace is saved to a file called .RData in the current directory.\n"
        "Comments can be put almost anywhere, after a hashmark.\n"
        "It joins its arguments end to end.\n"
        "5 The leading dot makes the file invisible."
    )


def test_small_digits_that_are_not_footnote_markers_stay() -> None:
    data = make_pdf([[
        [*body("The area is x"), ("2", 7.0, False, 4.0), *body(" square units.")],  # an exponent of one letter
        [*body("Water is H"), ("2", 7.0, False, -2.0), *body("O and gas is CO"), ("2", 7.0, False, -2.0),
         *body(".")],  # subscripts: followed by a letter, or lowered
        [*body("The sum (a+b)"), ("2", 7.0, False, 4.0), *body(" expands.")],  # after a bracket
        [*body("Python"), ("3", BODY, False, 0.0), *body(" is current.")],  # the same size as the word
    ]])
    assert load_bytes(data, "math.pdf").text == (
        "The area is x2 square units.\nWater is H2O and gas is CO2.\nThe sum (a+b)2 expands.\nPython3 is current."
    )


def test_headings_come_from_larger_type_and_numbered_bold_lines() -> None:
    data = make_pdf([
        [heading("User Guide", 22.0), heading("1 Getting started", 16.0), body("Install the tool first."),
         heading("1.1 Saving your work", BODY), body("Work is saved on exit."),
         body("Bold in a line of body text is not a heading.")],
        [heading("2 Reference", 16.0), heading("2.1. Options", BODY), body("Every option has a default.")],
    ])
    doc = load_bytes(data, "guide.pdf")
    assert section_texts(doc) == [
        ("User Guide", 1, "User Guide"),
        ("1 Getting started", 2, "1 Getting started"),
        ("1.1 Saving your work", 3, "1.1 Saving your work"),
        ("2 Reference", 2, "2 Reference"),
        ("2.1. Options", 3, "2.1. Options"),
    ]
    assert [s.end for s in doc.sections] == [s.start for s in doc.sections[1:]] + [len(doc.text)]


def test_table_of_contents_entries_in_large_type_are_not_headings() -> None:
    data = make_pdf([
        [heading("Contents", 16.0), heading("1 Arrays . . . . . . . . . . 20", 14.0),
         heading("2 Lists . . 29", 14.0)],
        [heading("1 Arrays", 14.0), body("An array is a subscripted collection of data entries."),
         body("Arrays can have several dimensions.")],
    ])
    assert [s.title for s in load_bytes(data, "toc.pdf").sections] == ["Contents", "1 Arrays"]


def test_a_heading_wrapped_over_two_lines_is_one_section() -> None:
    data = make_pdf([[heading("3 Executing commands from a file", 16.0), heading("and diverting output", 16.0),
                      body("Use source() to run a file of commands."), body("Use sink() to divert the output.")]])
    doc = load_bytes(data, "wrap.pdf")
    assert [(s.title, s.start) for s in doc.sections] == [
        ("3 Executing commands from a file and diverting output", 0)]


def test_a_large_line_on_most_pages_is_a_running_header_not_a_section() -> None:
    pages = [[heading(f"Field Manual {n}", 16.0), body(f"The {word} page has body text, long enough to be the body.")]
             for n, word in enumerate(("first", "second", "third", "fourth"), start=1)]
    pages[0].insert(1, heading("Chapter 1", 20.0))
    pages[2].insert(1, heading("Chapter 2", 20.0))
    doc = load_bytes(make_pdf(pages), "manual.pdf")
    assert [s.title for s in doc.sections] == ["Chapter 1", "Chapter 2"]


def test_running_headers_and_footers_with_the_page_number_are_left_out() -> None:
    words = ("one", "two", "three", "four")
    pages = [[f"Chapter 1: Basics {n + 3}", f"Body line {w} of the chapter.", f"The {w}th line ends at {n}"]
             for n, w in enumerate(words)]
    # The last lines end in a number in step with the pages too, but on fewer pages than the headers: text.
    pages.append(["Index", "arrays, 12", "7"])  # the page number alone, as a footer, in step with the others
    doc = load_bytes(make_pdf(pages), "manual.pdf")
    assert doc.text.split("\n\n") == [
        *(f"Body line {w} of the chapter.\nThe {w}th line ends at {n}" for n, w in enumerate(words)), "Index\narrays, 12"]


def test_a_running_title_with_the_page_number_on_the_next_line_is_left_out() -> None:
    # DocBook's print layout: the chapter's title, then the page number on a line of its own, over each page.
    chapters = ["The Root Filesystem"] * 3 + ["The /usr Hierarchy"] * 2
    words = ("one", "two", "three", "four", "five")
    pages = [[title, str(n + 4), f"Body line {w} of the chapter,", f"and the {w}th line."]
             for n, (title, w) in enumerate(zip(chapters, words, strict=True))]
    doc = load_bytes(make_pdf(pages), "standard.pdf")
    assert doc.text.split("\n\n") == [f"Body line {w} of the chapter,\nand the {w}th line." for w in words]
    # a line that happens to hold a number below the first line is text
    pages = [["Title of the note", f"{n}", "Items counted above.", "The end."] for n in (3, 9, 1)]
    assert "9" in load_bytes(make_pdf(pages), "note.pdf").text


def test_a_path_the_layout_wrapped_after_a_slash_is_one_word_again() -> None:
    doc = load_bytes(make_pdf([["For example, the crond PID file is named /run/", "crond.pid, and the kernel lives in /",
                                "or /boot."]]), "fhs.pdf")
    assert "named /run/crond.pid, and the kernel lives in /\nor /boot." in doc.text  # a slash alone is the root


def test_a_listing_of_a_directory_and_what_is_under_it_keeps_a_path_a_line() -> None:
    listing = ["dists/stable/main/", "dists/stable/main/binary-amd64/", "dists/stable/main/binary-i386/", "pool/"]
    doc = load_bytes(make_pdf([["Here is an example directory tree:", *listing]]), "archive.pdf")
    assert "\n".join(listing) in doc.text


def test_a_two_column_table_under_its_header_is_rendered_as_rows_of_cells() -> None:
    page = ["The following commands are required in /bin:", "Command Description",
            "cat Utility to concatenate files to standard output and print them on the screen",
            "kill Utility to send signals to processes", "csh.login Systemwide initialization file for C shell logins",
            "(optional)", "18 Originally, these binaries were kept in /etc.", "Each command listed above is specified below.",
            "Language Territory Character Set Directory", "English United Kingdom ISO 8859-15 /usr/share/man/en_GB"]
    doc = load_bytes(make_pdf([page]), "standard.pdf")
    assert doc.text.split("\n") == [
        "The following commands are required in /bin:", "Command | Description",
        "cat | Utility to concatenate files to standard output and print them on the screen",
        "kill | Utility to send signals to processes",
        "csh.login | Systemwide initialization file for C shell logins (optional)",
        "18 Originally, these binaries were kept in /etc.",  # a footnote under the table ends it
        "Each command listed above is specified below.",
        # more columns than two cannot be told apart without the page's geometry: left as they are
        "Language Territory Character Set Directory", "English United Kingdom ISO 8859-15 /usr/share/man/en_GB"]


def test_a_header_line_is_a_table_only_with_a_row_under_it() -> None:
    page = ["Directory Description", "modules Loadable kernel modules (optional)", "Then the prose goes on here."]
    assert load_bytes(make_pdf([page]), "one.pdf").text.split("\n")[:2] == [
        "Directory | Description", "modules | Loadable kernel modules (optional)"]
    page = ["Product Description", "Then the prose goes on about the product here."]
    assert load_bytes(make_pdf([page]), "note.pdf").text == "\n".join(page)


def test_first_and_last_lines_whose_numbers_do_not_follow_the_pages_stay() -> None:
    pages = [["12 apples were sold.", "Then 3 more."], ["7 pears remain.", "None left after 9"],
             ["40 plums arrived.", "Sold 2"], ["5 figs.", "Eaten 30"]]
    doc = load_bytes(make_pdf(pages), "fruit.pdf")
    assert doc.text == "\n\n".join("\n".join(lines) for lines in pages)


def test_section_headings_numbered_in_step_with_the_pages_are_not_page_numbers() -> None:
    pages = [[heading(f"{n} {name}", 16.0), body(f"The {name.lower()} section of the report says this.")]
             for n, name in enumerate(("Introduction", "Methods", "Results"), start=1)]
    doc = load_bytes(make_pdf(pages), "report.pdf")
    assert [s.title for s in doc.sections] == ["1 Introduction", "2 Methods", "3 Results"]


def test_a_line_heading_or_ending_most_pages_is_furniture_without_a_number() -> None:
    pages = [["ACME Field Notes", f"Entry {word} is written here.", "Confidential"] for word in ("one", "two", "three")]
    doc = load_bytes(make_pdf(pages), "notes.pdf")
    assert doc.text == "Entry one is written here.\n\nEntry two is written here.\n\nEntry three is written here."


def test_a_sentence_running_over_a_page_break_stays_one_sentence() -> None:
    doc = load_bytes(make_pdf([["At the end of a session the workspace is saved"], ["to a file called .RData."],
                               ["A new page starts here."]]), "run-on.pdf")
    assert doc.text == "At the end of a session the workspace is saved\nto a file called .RData.\n\nA new page starts here."


def test_outline_entries_become_sections_at_their_printed_headings() -> None:
    data = make_pdf([
        [body("Contents page text."), heading("1 Introduction", 16.0), body("R is a suite of software."),
         body("The R environment")],  # a body line ending with a title: the styled heading wins
        [heading("1.1 The R environment", 14.0), body("It has an effective data handling facility."),
         heading("1.2 Related software", 14.0), body("R implements the S language.")],
        [heading("Appendix A A sample session", 16.0), body("Start R and try this.")],
    ])
    data = add_outline(data, [("1 Introduction", 0, None), ("The R environment", 1, 0), ("Related software", 1, 0),
                              ("A sample session", 2, None)])
    doc = load_bytes(data, "intro.pdf")
    assert section_texts(doc) == [
        ("1 Introduction", 1, "1 Introduction"),
        ("1.1 The R environment", 2, "1.1 The R environment"),
        ("1.2 Related software", 2, "1.2 Related software"),
        ("Appendix A A sample session", 1, "Appendix A A sample session"),
    ]


def test_an_outline_that_does_not_match_the_text_gives_way_to_headings_from_type() -> None:
    data = make_pdf([[heading("Overview", 16.0), body("The first part.")],
                     [heading("Details", 16.0), body("The second part.")]])
    data = add_outline(data, [("Bookmark one", 0, None), ("Bookmark two", 1, None), ("Details", 1, None)])
    doc = load_bytes(data, "odd.pdf")
    assert [(s.title, s.level) for s in doc.sections] == [("Overview", 1), ("Details", 1)]


def test_a_pdf_all_in_one_type_has_no_sections() -> None:
    doc = load_bytes(make_pdf([["Hello world", "second line"], ["Page three"]]), "plain.pdf")
    assert doc.sections == ()


def test_the_limited_child_process_reads_the_same_text_and_sections() -> None:
    data = make_pdf([[heading("1 Setup", 16.0), [*body("Edit .Rprofile"), ("3", 7.0, False, 4.0), *body(" first.")]]])
    assert load_untrusted(data, "setup.pdf") == load_bytes(data, "setup.pdf")
    assert load_bytes(data, "setup.pdf").text == "1 Setup\nEdit .Rprofile first."


def test_pdf_passages_carry_their_heading_chain_and_cite_exact_spans(make_service, tmp_path) -> None:
    pages = [
        [heading("Ferry Handbook", 22.0), heading("1 Timetables", 16.0),
         body("The ferry to Ormsby leaves at nine every morning.")],
        [heading("2 Fares", 16.0), heading("2.1 Season tickets", BODY),
         [*body("A season ticket costs forty pounds"), ("1", 7.0, False, 4.0), *body(" and lasts a year.")],
         [("1", 7.0, False, 4.0), (" Prices from 2024.", 9.0, False, 0.0)]],
    ]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ferry.pdf").write_bytes(make_pdf(pages, title="Ferry Handbook"))
    service = make_service()
    service.ingest_paths([tmp_path / "docs"])
    hits = service.search("How much does a season ticket cost?")
    assert hits[0].passage.context == "Ferry Handbook > 2 Fares > 2.1 Season tickets"
    answer = service.ask("How much does a season ticket cost?")
    assert not answer.abstained and answer.citations
    _, text = service.document(answer.citations[0].doc_id)
    for citation in answer.citations:
        assert text[citation.start : citation.end] == citation.text
    assert any("forty pounds and lasts a year" in c.text for c in answer.citations)


def _kerned_words_pdf(space_width: int) -> bytes:
    """One line set as TeX sets it: words as one TJ array with their gaps as kerns (-207), in a Type1 font whose
    glyph at code 32 is `space_width` wide (TeX's Cork encoding puts a 500-wide visible space there)."""
    widths = " ".join([str(space_width)] + ["500"] * 94)
    stream = b"BT /F1 10 Tf 1 0 0 1 72 700 Tm [(rather) -207 (than) -207 (encr) -20 (yption)] TJ ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        f"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /FirstChar 32 /LastChar 126 /Widths [{widths}] >>"
        .encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _pdf_file(objects)


@pytest.mark.parametrize("space_width", [500, 250])
def test_word_gaps_set_as_kerns_are_spaces_whatever_the_fonts_glyph_at_code_32(space_width: int) -> None:
    doc = load_bytes(_kerned_words_pdf(space_width), "kerned.pdf")
    assert doc.text == "rather than encryption"  # (a small kern inside a word is no gap)
