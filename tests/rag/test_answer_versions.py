"""Questions about an API's history ("In which version ...", "Since which release ..."): the release a version note
or a sentence gives leads the answer, and a note without a full stop is a fact, not a heading."""

from __future__ import annotations

import pytest

from rag.answer import _looks_like_heading
from rag.answer_phrases import expected_kind, find_phrase
from tests.rag.answer_pages import answered, page_service

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
