"""Value questions over API references: defaults stated in prose, in signatures and in version notes."""

from __future__ import annotations

import pytest

from rag.answer_phrases import expected_kind, find_phrase
from rag.answer_values import (
    Entries,
    asked_field,
    asked_parameter,
    asked_thing,
    asks_default,
    asks_what_it_does,
    documented_parameter,
    fills_field,
    is_asked_thing,
    is_entry,
    is_field_line,
    is_prose,
    named_parameters,
    names_parameter,
    signature_defaults,
    signature_parameters,
    states_default,
)
from rag.load import load_bytes
from rag.sentences import sentence_spans

# A made-up reference page laid out as Sphinx renders one: signature, description, parameter list, version notes.
KETTLE_PAGE = """<html><head><title>kettle — brewing helpers</title></head><body>
<h1>kettle — brewing helpers</h1>
<p>The kettle module boils water and brews tea for small offices.</p>
<dl class="py function">
<dt>kettle.brew(pot, leaves, spoons=3, steep_minutes=4, sugar=None)</dt>
<dd><p>Brew a pot of tea from loose leaves and pour the first cup.</p>
<p>The pot is warmed before the leaves go in, and the leaves are strained out once steeping ends.</p>
<dl class="field-list"><dt>Parameters:</dt><dd><ul>
<li><p><strong>pot</strong> (<em>Pot</em>) – the pot to brew in.</p></li>
<li><p><strong>leaves</strong> (<em>str</em>) – the name of the tea to use.</p></li>
<li><p><strong>spoons</strong> (<em>int</em>) – Number of spoonfuls of leaves to put in the pot.</p></li>
<li><p><strong>steep_minutes</strong> (<em>int</em>) – how long the leaves stay in the water.</p></li>
<li><p><strong>sugar</strong> (<em>Optional[int]</em>) – lumps of sugar for the first cup.</p></li>
</ul></dd></dl>
<dl class="field-list"><dt>Returns:</dt><dd><p>the cup poured first.</p></dd>
<dt>Raises:</dt><dd><p>PotEmpty if the pot holds no water.</p></dd></dl>
<p>Changed in version 2.0: The default water temperature is 85 degrees instead of 100. This keeps green tea from
turning bitter.</p>
</dd></dl>
<dl class="py attribute"><dt>kettle.capacity = 17</dt>
<dd><p>Cups the office kettle holds when full.</p><p>New in version 1.4.</p></dd></dl>
<dl class="py function">
<dt>kettle.descale(kettle, acid='citric')</dt>
<dd><p>Remove the limescale that builds up inside a kettle over time.</p>
<p>The descaler only runs when the kettle is cold and empty, since hot acid can damage the heating element.</p>
</dd></dl>
<h2>Errors</h2>
<dl class="py exception"><dt>exception kettle.PotEmpty(pot)</dt>
<dd><p>418 Empty Pot</p><p>Raised when a brew starts and the pot holds no water at all.</p></dd></dl>
<dl class="py exception"><dt>exception kettle.Overheated(pot)</dt>
<dd><p>503 Too Hot</p><p>Raised when the water has boiled for far too long and the pot is unsafe.</p></dd></dl>
<h2>Safety</h2>
<p>The kettle switches itself off when it boils dry, so an empty kettle is never left heating.</p>
<p>By default, only the office kettle and the kitchen kettle may boil at the same time. Ask the facilities team to
allow more.</p>
</body></html>"""

# A made-up command's manual in Markdown: each option described, then its default in a sentence of its own.
TEAPOT_MANUAL = """# teapot — the command line

## Options

--keep-leaves
Control whether used tea leaves are kept in the pot after pouring, for a second brew.
The default is to throw them away.

--quiet
Print nothing but errors while the water heats.
"""

# The same kind of reference in Markdown, as JavaScript and Rust projects write it.
STEAMER_MARKDOWN = """# steamer

## API

### `steamer.puff(nozzle, pressure = 2, { hiss = true } = {})`

Release one puff of steam through the nozzle.

- `nozzle` (Nozzle): where the steam leaves.
- `pressure` (number): bars of pressure to build first.
- `hiss` (boolean): whether the valve whistles while it opens.

**Returns**: `Puff`, a record of the steam released.
"""


@pytest.fixture(scope="module")
def kettle_service(embedder, tmp_path_factory):
    from rag.config import Settings
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path_factory.mktemp("kettle-index")), embedder=embedder)
    service.warm_up()
    service.ingest_documents([load_bytes(KETTLE_PAGE.encode(), "kettle.html"),
                              load_bytes(TEAPOT_MANUAL.encode(), "teapot.md"),
                              load_bytes(STEAMER_MARKDOWN.encode(), "steamer.md")])
    yield service
    service.close()


def _exact(service, answer) -> None:
    for c in answer.citations:
        assert service.document(c.doc_id)[1][c.start : c.end] == c.text


def _answered(service, question: str):
    """The answer to a question the page answers: not abstained, every citation an exact span."""
    answer = service.ask(question)
    assert not answer.abstained, question
    _exact(service, answer)
    return answer


@pytest.mark.parametrize("question", [
    "What temperature does kettle.brew heat the water to by default?",
    "Which kettles may boil at once out of the box?",
    "How many spoons does brew use if I don't set them?",
    "What is the sugar setting when it is omitted?",
    "To what length does the trim filter cut text if I don't say?",
    "What lid does the kettle use when I configure nothing?",
    "How hot does brew get without setting anything?",
])
def test_questions_that_ask_for_a_default(question):
    assert asks_default(question)


@pytest.mark.parametrize("question", ["What does kettle.brew do?", "Which function removes limescale?",
                                      "What does the kettle say when it boils?",
                                      "How do I make the default filter replace empty strings?"])
def test_questions_that_do_not_ask_for_a_default(question):
    assert not asks_default(question)


def test_sentences_that_state_a_default():
    assert states_default("The default water temperature is 85 degrees.")
    assert states_default("Defaults to None.")
    assert states_default("- sugar (int) – lumps of sugar, or None (default) for none.")
    assert states_default("Uses two spoons if not given.")
    assert not states_default("Brew a pot of tea from loose leaves.")


def test_signature_defaults_split_at_top_level_commas_only():
    line = "def brew(pot, leaves: list[str] = ['a', 'b'], *, sep=',', opts: dict = {'x': (1, 2)}, **kw) -> Cup"
    assert signature_defaults(line) == {"leaves": "['a', 'b']", "sep": "','", "opts": "{'x': (1, 2)}"}
    assert signature_defaults("class kettle.Kettle(size=2)\nA kettle.") == {"size": "2"}


def test_a_rendered_signature_with_a_namespace_and_a_return_arrow_gives_defaults():
    # Sphinx renders "->" as "→", and a custom domain's entries carry a hyphenated namespace.
    line = "kettle-filters.descale(s: str, width: int = 79, strong: bool = False) → str"
    assert signature_defaults(line) == {"width": "79", "strong": "False"}
    assert signature_defaults("kettle.brew(pot, spoons=2) → Cup") == {"spoons": "2"}


def test_a_call_in_an_example_gives_no_defaults():
    assert signature_defaults("cup = brew(pot, spoons=5)") == {}
    assert signature_defaults("Brew the tea (it takes time=4 minutes).") == {}


@pytest.mark.parametrize(("line", "name"), [
    ("- spoons (int) – Number of spoonfuls.", "spoons"),          # Sphinx, rendered
    (":param int spoons: Number of spoonfuls.", "spoons"),        # reStructuredText field
    (":param spoons: Number of spoonfuls.", "spoons"),
    ("spoons (int): Number of spoonfuls.", "spoons"),             # Google style
    ("@param {number} spoons - Number of spoonfuls.", "spoons"),  # JSDoc
    ("* `spoons` - Number of spoonfuls.", "spoons"),              # rustdoc / Markdown
    ("spoons : int", "spoons"),                                   # NumPy style
    ("Brew a pot of tea.", None),
])
def test_the_parameter_a_line_documents(line, name):
    assert documented_parameter(line) == name


def test_the_asked_parameter_is_the_one_the_question_names():
    defaults = {"spoons": "3", "steep_minutes": "4"}
    assert asked_parameter("How many minutes do the leaves steep by default?", defaults) == "steep_minutes"
    assert asked_parameter("What colour is the pot?", defaults) is None
    assert asked_parameter("What is the default steep_minutes of brew?", defaults) == "steep_minutes"
    # The parameter's words as the question writes them name it before one of them alone does.
    timeouts = {"cache": "True", "cache_timeout": "43200"}
    assert asked_parameter("What is the middleware's default cache timeout?", timeouts) == "cache_timeout"
    assert asked_parameter("Is the cache on by default?", timeouts) == "cache"
    # a parameter named as the question writes it wins over one whose name only shares the stem of "default"
    rule = {"defaults": "None", "alias": "False", "host": "None"}
    assert asked_parameter("What is the default value of the alias parameter of Rule?", rule) == "alias"
    assert asked_parameter("What is the default value of the defaults parameter of Rule?", rule) == "defaults"


def test_a_long_signature_glued_to_its_description_gives_the_default_asked_for():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    signature = ("class kiln.Rule(string, defaults=None, subdomain=None, methods=None, build_only=False, "
                 "endpoint=None, strict_slashes=None, redirect_to=None, alias=False, host=None, websocket=False)")
    entry = hit_of(("", signature + "\nA Rule represents one firing schedule.", 0.7))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    assert answerer.answer("What is the default value of the alias parameter of kiln.Rule?", [entry]).short_answer \
        == "False"
    assert answerer.answer("What is the default value of the host parameter of kiln.Rule?", [entry]).short_answer \
        == "None"


def test_a_default_in_a_version_note_answers_though_it_never_names_the_function(kettle_service):
    # The note sits under the parameter list; only its entry's signature names brew.
    answer = _answered(kettle_service, "What water temperature does kettle.brew use by default?")
    assert "85 degrees" in answer.citations[0].text, answer.text


def test_a_default_only_in_the_signature_answers_with_the_signature(kettle_service):
    answer = _answered(kettle_service, "By default, how many spoonfuls of leaves does kettle.brew put in the pot?")
    assert any("spoons=3" in c.text for c in answer.citations), answer.text
    assert answer.text.startswith("3 — "), answer.text  # "spoonfuls" names the parameter spoons
    assert any("Number of spoonfuls" in c.text for c in answer.citations), answer.text


def test_out_of_the_box_finds_the_sentence_stating_the_default(kettle_service):
    answer = _answered(kettle_service, "Which kettles may boil at the same time out of the box?")
    assert "By default, only the office kettle" in answer.citations[0].text, answer.text


def test_a_default_of_a_parameter_the_question_describes_names_the_parameter(kettle_service):
    # Not named, described: "how long the leaves stay in the water" is steep_minutes's line.
    answer = _answered(kettle_service, "By default, how long do the leaves stay in the water when kettle.brew makes tea?")
    assert answer.text.startswith("steep_minutes=4 — "), answer.text
    assert any("how long the leaves stay in the water" in c.text for c in answer.citations), answer.text


def test_a_default_stated_after_the_description_joins_the_quote(kettle_service):
    answer = _answered(kettle_service, "Does teapot keep the used tea leaves in the pot by default?")
    quote = answer.citations[0].text
    assert "Control whether used tea leaves are kept" in quote and "The default is to throw them away." in quote, quote


@pytest.mark.parametrize(("question", "thing"), [
    ("Which URL converter should I use when a path has slashes?", "converter"),
    ("What exception does kettle.brew raise when the pot is empty?", "exception"),
    ("Which kettle function do I call to remove limescale?", "function"),
])
def test_the_kind_of_thing_a_which_question_asks_for(question, thing):
    from rag.terms import content_stems

    assert asked_thing(question) == content_stems(thing)


def test_a_definition_term_is_the_thing_asked_for_by_its_name_or_its_keyword():
    assert is_asked_thing("class kettle.valves.SteamValve(size)", asked_thing("Which valve should I fit?"))
    assert is_asked_thing("exception kettle.BoiledDry(pot)", asked_thing("What exception is raised?"))
    assert is_asked_thing("kettle.descale(kettle, acid='citric')", asked_thing("Which function do I call?"))
    assert not is_asked_thing("class kettle.Kettle(size)", asked_thing("Which function do I call?"))
    # The module a thing lives in is not what it is: `exceptions.abort` is a function, not an exception.
    assert not is_asked_thing("kettle.exceptions.abort(code)", asked_thing("Which exception is raised?"))


def test_when_in_a_clause_does_not_make_a_which_question_ask_for_a_date():
    assert expected_kind("Which function should I call when the kettle is empty?") == "term"
    assert expected_kind("When was descale added?") == "date"
    assert expected_kind("And since when does brew warm the pot?") == "date"
    assert expected_kind("Which pot did they fill, and when will that happen?") == "date"
    assert expected_kind("What happens when the pot is empty?") != "date"


def test_a_how_many_question_takes_only_a_numeric_default(kettle_service):
    # "sugar" is named and defaults to None: no count; the spoonfuls line is the parameter asked about.
    answer = _answered(kettle_service, "By default, how many spoonfuls of leaves and lumps of sugar does kettle.brew use?")
    assert not answer.text.startswith("None"), answer.text


def test_which_function_names_the_entry_that_describes_it(kettle_service):
    answer = _answered(kettle_service, "Which kettle function should I call when limescale has built up?")
    assert answer.text.startswith("kettle.descale — "), answer.text
    assert "Remove the limescale" in answer.citations[0].text


def test_signature_parameters_are_every_declared_name():
    assert signature_parameters("def brew(pot, *leaves, spoons: int = 3, **extra) -> Cup") == \
        ("pot", "leaves", "spoons", "extra")
    assert signature_parameters("cup = brew(pot, spoons=5)") == ()
    assert signature_parameters("function puff(nozzle, { hiss = true, loud } = {}, ...rest)") == \
        ("nozzle", "hiss", "loud", "rest")
    assert signature_defaults("function puff(nozzle, { hiss = true } = {})") == {"hiss": "true"}


def test_a_question_names_a_parameter_in_code_form_or_with_the_word():
    signature = "kettle.brew(pot, leaves, spoons=3, steep_minutes=4, sugar=None)"
    line = "- sugar (Optional[int]) – lumps of sugar for the first cup."
    assert names_parameter("What does the sugar argument of brew do?", line, signature)
    assert names_parameter("What does `sugar` do in brew?", line, signature)
    assert names_parameter("What does steep_minutes do?", "- steep_minutes (int) – how long.", signature)
    # A word of the question's prose is not the parameter of that name.
    assert not names_parameter("How much sugar does the office use?", line, signature)
    # Nor is a parameter of another entry.
    assert not names_parameter("What does the sugar argument do?", line, "kettle.descale(kettle, acid='citric')")
    # With no signature read (its list of parameters ran on past the passages), the one written as code is named.
    assert names_parameter("What does passing sugar=2 to a brew do?", line, None)
    assert not names_parameter("How much sugar does the office use?", line, None)


def test_a_named_parameter_is_answered_from_its_own_line(kettle_service):
    answer = _answered(kettle_service, "What does the sugar argument of kettle.brew do?")
    assert "lumps of sugar for the first cup" in answer.citations[0].text, answer.text


@pytest.mark.parametrize(("text", "version"), [
    ("New in version 0.13.", "version 0.13"),
    ("Changed in version 2.0: The default is 85 degrees.", "version 2.0"),
    ("Added in: v10.0.0", "v10.0.0"),
    ("Since 1.2.0 this returns a tuple.", "1.2.0"),
])
def test_a_release_answers_when_an_api_changed(text, version):
    assert find_phrase("date", text, "When was it added?") == version


def test_a_date_still_wins_over_a_release():
    assert find_phrase("date", "Version 2.0 was released on 3 March 2021.", "When was 2.0 released?") == "3 March 2021"


@pytest.mark.parametrize(("line", "entry"), [
    ("kettle.brew(pot, spoons=3)", True),
    ("property kettle.Kettle.full: bool", True),
    ("capacity = 17", True),
    ("cup = brew(pot, spoons=5)", False),  # a call in an example
    ("Note: brew before noon.", False),
    ("### `kiln.vent()`", True),  # Markdown headings that are code
    ("## `kiln.capacity`", True),
    ("### Class: `Kiln`", True),
    ("## Firing tips", False),
    (".. function:: kiln.fire(pieces)", True),  # a reStructuredText source read as plain text
    (".. option:: --slow-cool", True),
])
def test_lines_that_open_an_api_entry(line, entry):
    assert is_entry(line) is entry


def test_when_an_attribute_was_added_is_its_version_note(kettle_service):
    answer = kettle_service.ask("When was kettle.capacity added?")
    assert answer.text.startswith("version 1.4 — "), answer.text


@pytest.mark.parametrize(("question", "field"), [
    ("What does kettle.brew return?", "returns"),
    ("What type does brew return?", "rtype"),
    ("Which exception does brew raise when the pot is empty?", "raises"),
    ("What does the generator yield?", "yields"),
    ("What does kettle.brew do?", None),
])
def test_the_field_a_question_asks_for(question, field):
    assert asked_field(question) == field


@pytest.mark.parametrize(("text", "previous", "gap", "field"), [
    ("the cup poured first.", "Returns:", "\n", "returns"),
    ("str", "Return type:", "\n", "rtype"),
    (":returns: the cup poured first.", None, "", "returns"),
    ("@returns {Cup} the cup poured first.", None, "", "returns"),
    ("Raises: PotEmpty if the pot is dry.", None, "", "raises"),
    ("- Throws: PotEmpty if the pot is dry.", None, "", "raises"),
    ("**Returns**: `Cup`, the first cup.", None, "", "returns"),
    ("the first cup.", "**Returns**", "\n", "returns"),
    ("PotEmpty if the pot is dry.", "#### Raises", "\n", "raises"),
])
def test_lines_that_fill_a_field(text, previous, gap, field):
    assert fills_field(text, previous, gap, field)


def test_a_line_under_another_label_or_far_below_fills_nothing():
    assert not fills_field("the pot to brew in.", "Parameters:", "\n", "returns")
    assert not fills_field("the cup poured first.", "Returns:", "\n\n\n", "returns")
    assert not fills_field("It returns the cup.", None, "", "returns")


def test_what_a_function_returns_is_its_returns_line_not_a_parameter(kettle_service):
    answer = _answered(kettle_service, "What does kettle.brew return?")
    assert "the cup poured first" in answer.citations[0].text, answer.text


def test_markdown_entries_answer_defaults_parameters_and_returns(kettle_service):
    default = kettle_service.ask("What pressure does steamer.puff build by default?")
    assert default.text.startswith("2 — "), default.text
    parameter = kettle_service.ask("What does the hiss option of steamer.puff do?")
    assert "whether the valve whistles" in parameter.citations[0].text, parameter.text
    returns = kettle_service.ask("What does steamer.puff return?")
    assert "a record of the steam released" in returns.citations[0].text, returns.text


def test_a_code_in_the_question_finds_the_entry_holding_it_and_the_answer_names_the_entry(kettle_service):
    answer = _answered(kettle_service, "Which exception should a brew raise to answer with a 418 status?")
    assert answer.text.startswith("kettle.PotEmpty — "), answer.text
    assert "holds no water" in answer.citations[0].text, answer.text


@pytest.mark.parametrize(("question", "asks"), [
    ("What does timeout.unref() do?", True),
    ("What is kiln.vent for?", True),
    ("What does --slow-cool mean?", True),
    ("What does kiln.fire return?", False),
    ("What is the default cone?", False),
    # what a code name is: its entry's summary answers, as for what it does
    ("What is kiln.Kiln?", True),
    ("What's `fire_all`?", True),
    ("What is the KilnError exception?", True),
    ("what is glaze()", True),
    ("What is FrozenKiln in kilnlib?", True),  # of a library the question names
    ("What is a kiln?", False),  # a plain word: a sentence saying what it is answers
    ("What is Stoneware?", False),
])
def test_questions_that_ask_what_a_thing_does(question, asks):
    assert asks_what_it_does(question) is asks


@pytest.mark.parametrize(("text", "prose"), [
    ("Heats the chamber until every piece has vitrified.", True),
    ("`kiln.vent()` opens the damper on its own.", True),
    ("added: v2.4.0", False),
    ("* `pieces` {Array} The pieces to fire.", False),
    ("v3.0.0 | The `cone` option accepts fractions.", False),
    ("### `kiln.vent()`", False),
    ("Returns: a promise that settles later.", False),
    ("New in version 4.0.", False),  # an entry's history, not what it does
    ("Changed in version 2.1: The cone may be a fraction.", False),
    ("Deprecated since version 3.0: use glaze() instead.", False),
])
def test_prose_sentences(text, prose):
    assert is_prose(text) is prose


def _read_whole(text: str, context: str):
    """The entries of one passage holding all of `text`, and its sentences."""
    from rag.records import Hit, Passage, ScoredSentence

    passage = Passage(doc_id="d", start=0, end=len(text), text=text, ordinal=0, context=context)
    sentences = [ScoredSentence(s, e, text[s:e], 0.0) for s, e in sentence_spans(text)]
    return Entries([Hit(passage=passage, score=1.0, title="Kiln", source="kiln.md", sentences=sentences)]), sentences


@pytest.mark.parametrize(("text", "opening"), [
    # its first prose sentence, below its history and parameters
    ("### `kiln.vent()`\n\nadded: v2.4.0\n\n* Returns: {undefined}\n\n"
     "Opens the damper so that fumes escape. Calling it twice has no effect.\n", "Opens the damper so that fumes escape."),
    # the line right under a signature, without a full stop
    ("toolz.functoolz.pipe(data, *funcs)\nPipe a value through a sequence of functions\n\n"
     "I.e. pipe(data, f, g, h) is equivalent to h(g(f(data))).\n", "Pipe a value through a sequence of functions"),
])
def test_the_sentence_an_entry_opens_with(text, opening):
    entries, sentences = _read_whole(text, "Kiln")
    assert [s.text for s in sentences if entries.opens("d", s.start)] == [opening]


def test_a_signature_glued_to_its_description_opens_its_entry_with_it():
    arguments = ", ".join(f"arg{i}=None" for i in range(30))
    text = f"attrs.define({arguments})\nDefine an attrs class.\n\nDifferences to the classic attr.s are few.\n"
    entries, sentences = _read_whole(text, "API")
    assert sentences[0].text.startswith("attrs.define(") and sentences[0].text.endswith("Define an attrs class.")
    assert [s.text[:13] for s in sentences if entries.opens("d", s.start)] == ["attrs.define("]
    # a version note under a signature is no summary, with or without a full stop
    from rag.answer_values import _is_description_line

    assert _is_description_line("Pipe a value through a sequence of functions")
    assert not _is_description_line("New in version 20.1.0")
    assert not is_prose("New in version 20.1.0.")


def test_an_attributes_bare_name_ends_the_entry_above_it():
    text = ("raise_for_status()\nRaises HTTPError, if one occurred.\n\n"
            "raw\nFile-like object representation of response.\n")
    entries, sentences = _read_whole(text, "API")
    raw_line = next(s for s in sentences if s.text.startswith("File-like"))
    above = entries.signature_above("d", raw_line.start)
    assert above is None or not above.sentence.text.startswith("raise_for_status"), above
    # outside a list of entries a bare word above a line is no entry
    entries, sentences = _read_whole("break\nThe break statement ends a loop.\n", "Loops")
    assert all(entries.signature_above("d", s.start) is None for s in sentences)


def test_a_heading_with_metadata_below_it_opens_an_entry():
    text = "# Kiln\n\ndeprecated: v4.0.0\n\nThe kiln module fires clay.\n\n## Cones\n\nCones measure heat.\n"
    entries, sentences = _read_whole(text, "Kiln > Cones")
    above = {s.text: entries.signature_above("d", s.start) for s in sentences}
    assert above["deprecated: v4.0.0"].sentence.text == "# Kiln"
    assert above["The kiln module fires clay."].sentence.text == "# Kiln"
    assert above["Cones measure heat."] is None  # a heading without metadata ends the entry and opens none


@pytest.mark.parametrize(("line", "field"), [("added: v2.4.0", True), ("changes:", True), ("Note: mind the heat.", False),
                                             ("deprecated: v4.0.0\nmore", False)])
def test_field_lines(line, field):
    assert is_field_line(line) is field


def test_an_entrys_own_labels_start_no_section_though_a_page_bears_the_name():
    from rag.answer_values import Entries
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "exception kiln.BadFiring(message, cone=None)", 0.5),
                 ("\n", "An exception for a firing gone wrong.", 0.5),
                 ("\n\n", "Changelog", 0.2), ("\n\n", "New in version 2.0.", 0.2),
                 ("\n\n", "Parameters", 0.2), ("\n", "- cone (Optional[int]) – the cone the firing reached.", 0.6))
    # a page of the same documentation is titled "Parameters": its heading chain names it
    from rag.records import Hit, Passage

    other = Hit(Passage("guide", 0, 36, "Parameters are what a command takes.", 0, "Guide > Parameters"), 0.4)
    entries = Entries([hit, other])
    line = hit.sentences[5]
    found = entries.signature_above(hit.passage.doc_id, line.start)
    assert found is not None and found.sentence.text.startswith("exception kiln.BadFiring")


def test_a_name_typed_with_capitals_asks_for_the_entry_written_so():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "kiln.option(*decls)", 0.6), ("\n", "Attaches an option to the firing.", 0.62),
                 ("\n\n", "class kiln.Option(decls)", 0.5), ("\n", "Options are settings a firing may take.", 0.5))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    scored = {c.sentence.text[:10]: c.features for c in answerer.score_sentences("What does Option() do?", [hit])}
    assert "asked_entry" not in scored["Attaches a"] and scored["Options ar"].get("asked_entry") == 1.0
    # typed in lower case, either may be meant
    scored = {c.sentence.text[:10]: c.features for c in answerer.score_sentences("What does option() do?", [hit])}
    assert scored["Attaches a"].get("asked_entry") == scored["Options ar"].get("asked_entry") == 1.0


def test_asked_what_an_entry_does_by_its_full_name_its_summary_outranks_a_guides_sentence():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    # the guide's sentence resembles the question more than the entry's terse summary does
    guide = hit_of(("", "Echoing", 0.5), ("\n\n", "The kiln.echo function does what print does, and more.", 0.78),
                   (" ", "It works even where the terminal is misconfigured.", 0.5), doc="guide")
    api = hit_of(("", "kiln.echo(message=None, nl=True)", 0.55),
                 ("\n", "Print a message and newline to the kiln's log.", 0.40), doc="api")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What does kiln.echo do?", [guide, api])
    assert answer.citations[0].doc_id == "api", answer.text


def test_a_parameter_is_named_as_code_or_beside_a_word_like_parameter_but_an_options_name_is_no_parameter():
    signature = "click.version_option(version=None, *param_decls, package_name=None, message=None)"
    assert named_parameters("What does the version parameter of version_option do?", signature) == {"version"}
    assert named_parameters("What is package_name for?", signature) == {"package_name"}
    # "the --version option" is the command-line option the entry adds, not its version= argument
    assert named_parameters("How do I add a --version option to my command?", signature) == frozenset()
    # "a version option" is a kind of option; "the version option" names one
    assert named_parameters("Which decorator adds a version option to a command?", signature) == frozenset()
    assert named_parameters("What does the version option of version_option do?", signature) == {"version"}
