"""Answers over a reference in the Python standard library's hand-written Sphinx style: entries whose `<dt>` holds
the signature with its defaults (or "exception X" with no arguments), a prose `<dd>` with examples, parameter lists
and version notes, one entry after another."""

from __future__ import annotations

import pytest

from rag.answer import _first_line_term
from rag.answer_phrases import find_phrase, has_phrase
from rag.answer_values import defaulted_parameter, is_entry
from tests.rag.answer_pages import answered, page_service

# A made-up module documented as the standard library documents its own: no autodoc, "New in version" notes.
KILN_PAGE = """<html><head><title>kiln — firing helpers</title></head><body>
<h1>kiln — firing helpers</h1>
<p>The kiln module fires clay pots and tiles for a small pottery.</p>
<h2>Firing</h2>
<dl class="py function">
<dt class="sig sig-object py">kiln.fire_batch(kiln, pots, rack_size=12)</dt>
<dd><p>Fire many pots in fewer loads of the kiln.</p>
<p>Fire every pot found in pots, one load at a time.</p>
<p>The function is semantically similar to</p>
<pre>kiln.fire_each(pots)</pre>
<p>but has a different implementation: the pots are stacked into racks, each one holding at most rack_size pots,
resulting in a reduced number of firings.</p>
<p>New in version 2.7.</p>
</dd></dl>
<dl class="py function">
<dt class="sig sig-object py">kiln.watch(kiln, slot=None, check_interval=10)</dt>
<dd><p>Watch the temperature of a firing kiln.</p>
<dl class="field-list simple"><dt>Parameters:</dt><dd><ul class="simple">
<li><p><strong>kiln</strong> – the kiln to watch</p></li>
<li><p><strong>slot</strong> – the shelf to read the thermometer of</p></li>
<li><p><strong>check_interval</strong> – time between readings of the thermometer</p></li>
</ul></dd></dl>
<p>The thermometer must rest on a shelf that holds no pots. Readings of the thermometer taken less than 2 seconds
apart are averaged.</p>
</dd></dl>
<dl class="py function">
<dt class="sig sig-object py">kiln.register_glaze_colors(conn=None)</dt>
<dd><p>Register conversion between glaze color names and oxide recipes.</p>
<dl class="field-list simple"><dt>Parameters:</dt><dd><p><strong>conn</strong> – where to register the recipes.</p>
</dd></dl>
<p>After the function is called, glaze color names in a firing plan will be converted into oxide recipes and
their weights.</p>
</dd></dl>
<dl class="py function">
<dt class="sig sig-object py">kiln.register_clay(oid=None, conn=None)</dt>
<dd><p>Register the clay type with the kiln's catalogue of clays.</p></dd></dl>
<h2>Errors</h2>
<dl class="py exception">
<dt class="sig sig-object py"><em class="property">exception </em>kiln.CrackedError</dt>
<dd><p>(subclasses FiringError)</p>
<p>Error raised when a pot cracks in the kiln (thermal shock, trapped air, etc). It can be caught specifically to
detect thermal shock.</p>
<p>New in version 2.0.7.</p></dd></dl>
<dl class="py exception">
<dt class="sig sig-object py"><em class="property">exception </em>kiln.OverfiredError</dt>
<dd><p>(subclasses FiringError)</p>
<p>Error raised when the kiln runs hotter than the clay allows.</p></dd></dl>
<h2>Shelves</h2>
<dl class="py attribute"><dt class="sig sig-object py">shelf_height</dt>
<dd><p>Supposed to be the usable height of the shelf in centimetres. Measuring it needs a cold kiln, so it is always
None while firing.</p></dd></dl>
</body></html>"""


@pytest.fixture(scope="module")
def kiln_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, KILN_PAGE, "kiln")


def test_an_exception_documented_without_arguments_opens_an_entry():
    assert is_entry("exception kiln.CrackedError")
    assert is_entry("class kiln.Shelf")
    assert not is_entry("class names are short.")


def test_a_line_of_an_entry_about_a_parameter_with_a_default():
    signature = "kiln.fire_batch(kiln, pots, rack_size=12, name=None)"
    assert defaulted_parameter("- rack_size – pots per rack", signature) == "rack_size"
    assert defaulted_parameter("each one holding at most rack_size pots", signature) == "rack_size"
    # A plain word is prose as often as a parameter; a parameter without a default has none to give.
    assert defaulted_parameter("the name of the pot", signature) is None
    assert defaulted_parameter("every pot found in pots", signature) is None


def test_a_reason_given_before_its_consequence():
    question = "Why is the shelf height always None while firing?"
    text = "Measuring it needs a cold kiln, so it is always None while firing."
    assert find_phrase("reason", text, question) == "Measuring it needs a cold kiln"
    # "..., so" explains its consequence only: asked something else, it gives no reason.
    assert not has_phrase("reason", "Racks are stacked, so the order of pots is kept.", "Why would I call watch()?")


def test_which_exception_leads_with_the_name_of_an_entry_without_arguments(kiln_service):
    answer = answered(kiln_service, "Which exception can I catch to detect thermal shock in my pots?")
    assert answer.text.startswith("kiln.CrackedError — "), answer.text


def test_a_default_that_prose_names_in_code_form_answers_past_an_example_call(kiln_service):
    # "kiln.fire_each(pots)" on its own between blank lines is an example, not the entry the prose below belongs to.
    answer = answered(kiln_service, "How many pots does kiln.fire_batch() put into one rack by default?")
    assert answer.text.startswith("rack_size=12 — "), answer.text


def test_the_parameter_line_of_a_default_only_the_signature_gives_is_no_heading_and_misses_no_default(kiln_service):
    question = "How long is the time between thermometer readings of kiln.watch() unless I change it?"
    hits = kiln_service._read(question, 5, None, {})
    line = next(c for c in kiln_service.answerer.candidates(question, hits)
                if c.sentence.text.startswith("- check_interval"))
    # The signature states the default (check_interval=10): the line neither lacks one nor is a title.
    assert "heading" not in line.features and "default_missing" not in line.features, line.features
    assert "kind_phrase" in line.features, line.features  # a number of seconds, as an API gives a time
    answer = answered(kiln_service, question)
    assert answer.text.startswith("check_interval=10 — "), answer.text
    assert any("kiln.watch(kiln, slot=None, check_interval=10)" in c.text for c in answer.citations), answer.text


def test_how_do_i_leads_with_the_call_of_the_entry_the_quote_is_in(kiln_service):
    answer = answered(kiln_service, "How do I get glaze color names in a firing plan converted into oxide recipes?")
    # The next entry's signature below the quote is no command the quote introduces.
    assert "register_clay" not in answer.text, answer.text
    assert answer.text.startswith("kiln.register_glaze_colors(conn=None) — "), answer.text


def test_asked_why_the_reason_in_the_next_sentence_joins_the_quote(kiln_service):
    answer = answered(kiln_service, "Why is the usable height of a shelf in centimetres always None?")
    assert "Supposed to be the usable height" in answer.citations[0].text, answer.text
    assert "needs a cold kiln" in answer.citations[0].text, answer.text


CURSOR_PAGE = """<html><head><title>kiln cursors</title></head><body>
<h1>Cursor classes</h1>
<dl class="py method">
<dt class="sig sig-object py">fetchmany([size=cursor.arraysize])</dt>
<dd><p>Fetch the next set of glaze recipes of a query result, returning a list of tuples. An empty list is returned
when no more recipes are available.</p></dd></dl>
<dl class="py method">
<dt class="sig sig-object py">fetchone()</dt>
<dd><p>Fetch the next glaze recipe of a query result set, returning a single tuple, or None when no more data is
available.</p></dd></dl>
</body></html>"""


@pytest.fixture(scope="module")
def cursor_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, CURSOR_PAGE, "cursors")


def test_asked_what_one_entry_returns_a_sibling_entrys_line_does_not_answer(cursor_service):
    question = "What does cursor.fetchone() return when no more recipes are available?"
    answer = answered(cursor_service, question)
    assert "single tuple, or None" in answer.citations[0].text, answer.text
    hits = cursor_service._read(question, 5, None, {})
    sibling = next(c for c in cursor_service.answerer.candidates(question, hits)
                   if c.sentence.text.startswith("An empty list"))
    assert sibling.features.get("other_entry") == 1.0, sibling.features


def test_a_signature_glued_to_a_description_that_opens_with_a_figure_is_its_term():
    text = "exception kiln.NotFired(description=None, response=None)\n404 Not Fired"
    assert _first_line_term(text) == "exception kiln.NotFired(description=None, response=None)"
    assert find_phrase("term", text, "Which exception means 404 Not Fired?", _first_line_term(text)) == "kiln.NotFired"
    assert _first_line_term("Please write to\n42 Clay Street") is None  # prose wrapped before a figure


# Entries that Sphinx's Python domain writes with the kind of callable before the name: "classmethod", "awaitable".
KILN_ASYNC_PAGE = """<html><head><title>kiln.aio — firing without blocking</title></head><body>
<h1>kiln.aio — firing without blocking</h1>
<p>The kiln.aio module drives a kiln from an event loop.</p>
<dl class="py method"><dt class="sig sig-object py"><em class="property">classmethod </em>kiln.aio.Kiln.from_plan(plan)</dt>
<dd><p>Build a kiln controller from a saved firing plan.</p>
<p>The plan is read once; later edits of the file are not seen.</p></dd></dl>
<dl class="py function"><dt class="sig sig-object py"><em class="property">awaitable </em>kiln.aio.cool_down(minutes)</dt>
<dd><p>Wait until the kiln has cooled down for the given number of minutes.</p>
<p>Other tasks run while it waits.</p></dd></dl>
</body></html>"""


@pytest.fixture(scope="module")
def kiln_async_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, KILN_ASYNC_PAGE, "kiln-aio")


def test_a_signature_with_the_kind_of_callable_before_it_is_an_entry():
    from rag.answer_phrases import term_name
    from rag.answer_values import is_signature

    for line, name in (("classmethod dict.fromkeys(iterable, value=None, /)", "dict.fromkeys"),
                       ("awaitable asyncio.sleep(delay, result=None)", "asyncio.sleep"),
                       ("abstract classmethod Base.build(spec)", "Base.build")):
        assert is_signature(line) and is_entry(line), line
        assert term_name(line) == name


def test_which_function_names_an_entry_written_with_its_kind(kiln_async_service):
    answer = answered(kiln_async_service, "Which function waits until the kiln has cooled down?")
    assert answer.short_answer == "kiln.aio.cool_down", answer.text
    answer = answered(kiln_async_service, "What does kiln.aio.Kiln.from_plan do?")
    assert "Build a kiln controller from a saved firing plan." in answer.citations[0].text, answer.text
