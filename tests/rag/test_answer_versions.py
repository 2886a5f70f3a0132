"""Questions about an API's history ("In which version ...", "Since which release ..."): the release a version note
or a sentence gives leads the answer, and a note without a full stop is a fact, not a heading."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer, _looks_like_heading
from rag.answer_phrases import expected_kind, find_phrase, release_line
from tests.rag.answer_pages import answered, hit_of, page_service

POTTERY_PAGE = """<html><head><title>pottery — studio helpers</title></head><body>
<h1>pottery — studio helpers</h1>
<p>The pottery module helps a small studio trim, wedge and fire its pots.</p>
<h2>Shaping</h2>
<dl class="py function">
<dt class="sig sig-object py">pottery.trim(pot, depth=2)</dt>
<dd><p>Trim the foot ring of a leather-hard pot on the wheel.</p>
<p>Changed in version 1.4: added the depth parameter</p>
<p>New in version 0.9.</p>
</dd></dl>
<dl class="py function">
<dt class="sig sig-object py">pottery.wedge(clay)</dt>
<dd><p>Wedge clay by hand to push the air bubbles out before throwing.</p>
<p>Deprecated since version 2.0: use pottery.knead() instead</p>
</dd></dl>
<h2>Kilns</h2>
<p>A kiln fires one shelf of pots in a program. Starting with Pottery 3.1 a kiln can fire two shelves in one
program, which halves the firings of a busy studio.</p>
</body></html>"""


@pytest.fixture(scope="module")
def pottery_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, POTTERY_PAGE, "pottery")


def test_a_version_note_without_a_full_stop_is_no_heading():
    assert not _looks_like_heading("Changed in version 1.4: added the depth parameter", set())
    assert not _looks_like_heading("Deprecated since version 2.0: use pottery.knead() instead", set())
    assert _looks_like_heading("Shaping and trimming", set())


def test_which_version_is_answered_by_a_release_the_question_does_not_name_itself():
    question = "Which pottery version first supports Pottery 3.1 kilns?"
    assert expected_kind(question) == "term"
    assert find_phrase("term", "Kilns of Pottery 3.1 are supported since version 1.5.", question) == "version 1.5"
    # A product's release counts when the question names the product; another's does not.
    asked = "Since which Pottery release can a kiln fire two shelves?"
    assert find_phrase("term", "Starting with Pottery 3.1 a kiln fires two shelves.", asked) == "Pottery 3.1"
    assert find_phrase("term", "Starting with Kilnware 3.1 a kiln fires two shelves.", asked) != "Kilnware 3.1"


def test_in_which_version_leads_with_the_release_of_the_entrys_change_note(pottery_service):
    answer = answered(pottery_service, "In which version did pottery.trim() get its depth parameter?")
    assert answer.text.startswith("version 1.4 — "), answer.text
    assert "Changed in version 1.4" in answer.citations[0].text


def test_since_which_release_leads_with_the_products_release_in_prose(pottery_service):
    answer = answered(pottery_service, "Since which Pottery release can a kiln fire two shelves in one program?")
    assert answer.text.startswith("Pottery 3.1 — "), answer.text


# A guide whose sections say when a feature came: by a version note under the section's text, or by the heading of
# an upgrade guide's section. The sentences that describe the feature name no release.
GLAZING_PAGE = """<html><head><title>Glazing guide</title></head><body>
<h1>Glazing guide</h1>
<h2>Layered glazes</h2>
<p>Sometimes a potter wants two glazes on one pot, one dipped over the other.</p>
<p>Pass layers=True to the dip command and it keeps the first coat wet while the second goes on.</p>
<p>New in version 3.0.</p>
<p>Layering is not possible for raku firings yet.</p>
<h2>Wax resist</h2>
<p>Wax keeps the glaze off the foot ring, so the pot does not fuse to the kiln shelf.</p>
<h1>Upgrading to newer releases</h1>
<h2>Upgrading to 7.0</h2>
<p>Glaze recipes named after their file now replace spaces with dashes in their names.</p>
<h2>Upgrading to 6.2</h2>
<p>The kiln log moved to the studio folder.</p>
</body></html>"""


@pytest.fixture(scope="module")
def glazing_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, GLAZING_PAGE, "glazing")


def test_a_heading_that_names_a_release_gives_it_unless_another_product_or_a_section_number():
    from rag.answer_phrases import heading_release

    question = "Since which release do recipe names get dashes?"
    assert heading_release("Upgrading to 7.0", question) == "7.0"
    assert heading_release("Version 2.3 (2019-05-02)", question) == "2.3"
    assert heading_release("Python 3.8", question) is None  # another product's release
    assert heading_release("Pottery 3.8", "Since which Pottery release do recipe names get dashes?") == "3.8"
    assert heading_release("6.8. Copyright", question) is None  # a section's number, not a release
    assert heading_release("Upgrading to 7.0", "Did recipe names change after 7.0?") is None  # the question's own


def test_since_which_release_is_the_version_note_of_the_sections_feature(glazing_service):
    answer = answered(glazing_service, "Since which release can I dip a second glaze over a wet first coat?")
    assert answer.short_answer == "version 3.0", answer.text
    assert any(c.text == "New in version 3.0." for c in answer.citations)  # the note that says so is cited


def test_since_which_release_is_the_release_an_upgrade_sections_heading_names(glazing_service):
    answer = answered(glazing_service, "Since which release do glaze recipes get dashes instead of spaces in their "
                                       "names?")
    assert answer.short_answer == "7.0", answer.text
    # Its text gives no release: the one asked about another section's change is not this one.
    assert answered(glazing_service, "Since which release does the kiln log live in the studio folder?"
                    ).short_answer == "6.2"


@pytest.mark.parametrize(("line", "found"), [
    ("4.1.0 (2018-05-27)", ("4.1.0", "2018-05-27")),
    ("Version 2.3 - 2021-02-01", ("2.3", "2021-02-01")),
    ("v1.2", ("1.2", None)),
    ("3.2 Installing the package", None),  # a numbered section heading, not a release
    ("- Added canonical encoding", None),
])
def test_a_changelogs_release_line(line, found):
    assert release_line(line) == found


def _changelog():
    return hit_of(("", "5.4.5 (2022-11-29)", 0.3),
                  ("\n\n", "- Added support for frozen dicts (jdoe)", 0.3),
                  ("\n", "- Fixed a leak in the decoder. It showed on 32-bit builds.", 0.4),
                  ("\n\n", "4.1.0 (2018-05-27)", 0.3),
                  ("\n\n", "- Added canonical encoding (via canonical=True)", 0.8),
                  ("\n", "- Added support for sets", 0.4), doc="changes")


def test_in_which_version_is_answered_by_the_release_line_above_a_changelog_item():
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "In which version was canonical encoding added?", [_changelog()])
    assert answer.short_answer == "4.1.0"
    assert [c.text for c in answer.citations] == ["- Added canonical encoding (via canonical=True)", "4.1.0 (2018-05-27)"]


def test_when_is_answered_by_the_release_lines_date():
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "When did the library get canonical encoding?", [_changelog()])
    assert answer.short_answer == "2018-05-27"


def test_which_version_with_no_release_in_sight_is_refused():
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.35))
    question = "In which version was the sandboxed environment introduced?"
    unstated = hit_of(("", "The sandboxed environment renders untrusted templates safely.", 0.8), doc="sandbox")
    assert answerer.answer(question, [unstated]).abstained
    stated = hit_of(("", "The sandboxed environment renders untrusted templates safely.", 0.8),
                    (" ", "It was introduced in version 2.3.", 0.6), doc="sandbox")
    answer = answerer.answer(question, [stated])
    assert not answer.abstained and answer.short_answer == "version 2.3"


def test_a_release_said_as_what_the_version_is():
    assert find_phrase("term", "The current version is 2.0.0, dated 8th February 2014.",
                       "What is the current version of the checker?") == "2.0.0"
    assert find_phrase("term", "This global signal is planned to be removed in 1.6.",
                       "In which version will the global signal be removed?") == "1.6"
