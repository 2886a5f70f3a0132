"""A default stated without its subject ("The default is 1000.", "**Default:** `30`.") is the default of what the
sentence before it describes: asked for that default, it answers, with its description quoted before it."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_values import states_default_of_previous
from rag.answer_weights import HAND_WEIGHTS, SentenceWeights
from rag.records import Hit
from tests.rag.answer_pages import answered, hit_of, page_service


@pytest.mark.parametrize("text", ["The default is 1000.", "**Default:** `30`.", "Defaults to 16 KiB.",
                                  "Default: `true`", "The default value is 2000."])
def test_a_default_without_its_subject_is_the_previous_sentences(text):
    assert states_default_of_previous(text)


@pytest.mark.parametrize("text", ["The default status code is 308.", "Set the default locale first.",
                                  "By default, localhost is trusted.", "This is the default."])
def test_a_default_that_names_its_subject_or_none_is_not(text):
    assert not states_default_of_previous(text)


def _options() -> list[Hit]:
    """An option list in the Node.js style: each option's description, then its default on a line of its own."""
    listing = hit_of(("", "* `removeHistoryDuplicates` {boolean} If `true`, a new input line that duplicates an older "
                        "one removes the older line from the history list.", 0.55),
                   ("\n", "* `historySize` {number} Maximum number of history lines retained.", 0.62),
                   (" ", "To disable the history set this value to `0`.", 0.40),
                   (" ", "**Default:** `30`.", 0.12),
                   ("\n", "* `prompt` {string} The prompt string to use.", 0.2),
                   (" ", "**Default:** `'> '`.", 0.1), doc="readline")
    return [listing]


def test_asked_for_a_default_the_subjectless_default_of_the_described_option_answers():
    question = "How many history lines does a readline interface retain by default?"
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    scored = answerer.score_sentences(question, _options())
    assert scored[0].sentence.text == "**Default:** `30`."
    assert scored[0].features["default_of_previous"] == pytest.approx(0.40 - 0.12)
    answer = answerer.answer(question, _options())
    assert answer.text.startswith("30 — ")  # the default's value, not the "0" of the sentence before it
    quoted = answer.citations[0].text
    assert quoted.startswith("To disable the history") and quoted.endswith("**Default:** `30`.")
    # Without the inherited match the description, which states no number of its own, is not outdone.
    blind = SentenceWeights({**HAND_WEIGHTS, "default_of_previous": 0.0})
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=blind)).score_sentences(question, _options())
    assert scored[0].sentence.text != "**Default:** `30`."


def test_a_default_after_a_blank_line_or_one_not_asked_for_inherits_nothing():
    apart = hit_of(("", "Stop reading request data if more than this number of parts are sent.", 0.6),
                 ("\n\n", "The default is 1000.", 0.1))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    scored = answerer.score_sentences("How many parts are read by default?", [apart])
    assert all("default_of_previous" not in c.features for c in scored)  # another paragraph: no subject it leans on
    scored = answerer.score_sentences("How many history lines are retained?", _options())
    assert all("default_of_previous" not in c.features for c in scored)  # not asked for a default


# An autodoc entry whose signature gives None where its parameter list says in words what is used instead.
GLAZE_PAGE = """<html><head><title>glaze — kiln prompts</title></head><body>
<h1>glaze — kiln prompts</h1>
<dl class="py function">
<dt class="sig sig-object py">glaze.hold(message=None, shelf=False)</dt>
<dd><p>Stop the firing program and wait until the potter presses a key on the kiln's panel.</p>
<dl class="field-list simple"><dt>Parameters:</dt><dd><ul class="simple">
<li><p><strong>message</strong> (<em>Optional[str]</em>) – The text shown on the panel while the kiln waits.
Defaults to "Open the lid to continue firing...".</p></li>
<li><p><strong>shelf</strong> (<em>bool</em>) – Show the text on the shelf display instead.</p></li>
</ul></dd></dl>
</dd></dl>
</body></html>"""


@pytest.fixture(scope="module")
def glaze_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, GLAZE_PAGE, "glaze")


def test_a_default_the_words_give_leads_over_the_signatures_none(glaze_service):
    answer = answered(glaze_service, "What text does glaze.hold() show on the panel if I don't pass one?")
    assert answer.text.startswith('Open the lid to continue firing... — '), answer.text  # not "message=None"


def test_an_example_call_gives_no_defaults():
    from rag.answer_values import signature_defaults

    assert signature_defaults("run_simple('127.0.0.1', 5000, app, use_debugger=True)") == {}
    assert signature_defaults("run_simple(hostname, port, application, use_debugger=False)") == {"use_debugger": "False"}


def test_asked_the_default_of_a_named_parameter_a_default_of_other_things_does_not_answer():
    question = "What is the default value of the glaze_check argument of fire()?"
    hit = hit_of(("", "By default, stoneware and porcelain are accepted.", 0.56),
                 ("\n\n", "kiln.fire(pots, glaze_check=False, cone=6)", 0.37),
                 ("\n", "Fire the pots, checking each glaze first when asked to.", 0.40))
    scored = {c.sentence.text: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences(
        question, [hit])}
    assert "default_missing" in scored["By default, stoneware and porcelain are accepted."]
    assert "default_stated" in scored["kiln.fire(pots, glaze_check=False, cone=6)"]


def test_asked_a_default_a_parameter_the_question_does_not_name_does_not_answer():
    question = "What is the default connection timeout of connect()?"
    hit = hit_of(("", "connect(dsn=None, connection_factory=None, **kwargs)", 0.5),
                 ("\n", "Create a new database session.", 0.4),
                 ("\n", "- port – connection port number (defaults to 5432 if not provided)", 0.7),
                 ("\n", "- connect_timeout – seconds to wait for a connection (defaults to no limit)", 0.6))
    scored = {c.sentence.text[:12]: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0))
              .score_sentences(question, [hit])}
    assert "default_missing" in scored["- port – con"]  # another parameter's default
    assert "default_stated" in scored["- connect_ti"]
    # nor does a sentence that goes on about another parameter ("This is True by default" of use_cookies)
    question = "What is the default request timeout of Client?"
    hit = hit_of(("", "Client(application, use_cookies=True)", 0.5),
                 ("\n", "The use_cookies parameter says whether cookies are stored.", 0.4),
                 (" ", "This is True by default, but passing False disables it.", 0.6))
    scored = {c.sentence.text[:8]: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0))
              .score_sentences(question, [hit])}
    assert "default_missing" in scored["This is "]


def test_the_parameters_a_question_asks_the_default_of_by_name():
    from rag.answer_values import parameters_asked_by_name

    assert parameters_asked_by_name("What is the default of the use_debugger argument of run_simple?") == {"use_debugger"}
    assert parameters_asked_by_name("What is the default of cache_timeout?") == {"cache_timeout"}
    assert parameters_asked_by_name("What status code does append_slash_redirect use by default?") == set()


@pytest.mark.parametrize(("text", "value"), [
    ("Specify the maximum size, in bytes, of HTTP headers. Defaults to 16 KiB.", "16 KiB"),
    ("The default is `noopener`.", "noopener"),
    ("**Default:** `30`.", "30"),
    ("The default value is 2000.", "2000"),
    ("Defaults to the current directory (see below).", "the current directory"),
    ("By default, localhost is trusted.", None),  # a default in passing: no value given as such
])
def test_the_value_a_sentence_gives_as_a_default(text, value):
    from rag.answer_values import stated_default

    assert stated_default(text) == value


def test_asked_a_default_the_value_stated_leads_not_the_options_name():
    hit = hit_of(("", "--max-http-header-size=size", 0.5),
                 ("\n", "Specify the maximum size, in bytes, of HTTP headers. Defaults to 16 KiB.", 0.7))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "What is the default maximum size of HTTP headers?", [hit])
    assert answer.short_answer == "16 KiB", answer.text


def test_the_default_of_a_parameter_is_read_from_the_signature_the_best_sentence_is_in():
    # the quote of the signature starts on the last line of the entry above it
    hit = hit_of(("", "Parameters", 0.3), ("\n", "- lazy (Optional[bool]) –", 0.4), ("\n", "- atomic (bool) –", 0.45),
                 ("\n\n", "class click.Path(exists=False, file_okay=True, dir_okay=True, writable=False)\nThe Path "
                          "type is similar to the File type.", 0.64))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "What is the default value of the writable parameter of click.Path?", [hit])
    assert answer.short_answer == "False", answer.text


def test_another_entrys_signature_states_no_default_of_the_asked_entrys_parameter():
    hit = hit_of(("", "kiln.prompt(text, default=None, err=False)", 0.6), ("\n", "Prompt the potter for input.", 0.4),
                 ("\n\n", "kiln.secho(message=None, err=True)", 0.5), ("\n", "Echo a styled message.", 0.4))
    scored = {c.sentence.text[:10]: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0))
              .score_sentences("What is the default value of the err parameter of kiln.secho?", [hit])}
    assert "default_stated" not in scored["kiln.promp"] and scored["kiln.secho"].get("default_stated") == 1.0


def test_the_default_of_a_parameter_of_a_class_the_question_names_by_its_capitalised_name():
    signer = hit_of(("", "class kiln.signer.Signer(secret_key, salt=b'kiln.Signer', sep=b'.')", 0.44),
                    ("\n", "A signer securely signs bytes, then unsigns them to verify them.", 0.45), doc="signer")
    other = hit_of(("", "make_signer(salt=None)", 0.4),
                   ("\n", "Creates a new instance of the signer to be used.", 0.5),
                   (" ", "The default implementation uses the Signer base class.", 0.45), doc="serializer")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What is the default salt of Signer?",
                                                                   [other, signer])
    assert answer.short_answer == "b'kiln.Signer'", answer.text


# A configuration reference as Flask's: each key a term, its description, and its default in a paragraph of its own.
KILN_CONFIG_PAGE = """<html><head><title>Kiln configuration</title></head><body>
<h1>Configuration</h1>
<h2>Builtin configuration values</h2>
<dl>
<dt>KILN_SHELF_COUNT</dt>
<dd><p>How many shelves the kiln loads at once. Can be raised for a tall kiln.</p><p>Default: <code>3</code></p></dd>
<dt>KILN_LOG_NAME</dt>
<dd><p>The name of the firing log. Can be changed in case you already keep a log with the same name.</p>
<p>Default: <code>'firing'</code></p></dd>
<dt>PREFERRED_CONE_SCALE</dt>
<dd><p>Use this scale for printing cone numbers when no scale is given.</p><p>Default: <code>'orton'</code></p></dd>
<dt>KILN_HOST_NAME</dt>
<dd><p>Inform the controller what host it is bound to.</p><p>Default: <code>None</code></p></dd>
</dl>
</body></html>"""


@pytest.fixture(scope="module")
def config_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, KILN_CONFIG_PAGE, "kilnconfig")


@pytest.mark.parametrize(("question", "value"), [
    ("What is the default value of KILN_LOG_NAME?", "firing"),
    ("What is the default value of PREFERRED_CONE_SCALE?", "orton"),
])
def test_a_config_keys_default_in_a_paragraph_of_its_own_answers_with_the_key_quoted(config_service, question, value):
    answer = answered(config_service, question)
    assert answer.short_answer == value, answer.text
    key = question.rsplit(" ", 1)[-1].rstrip("?")
    assert answer.citations[0].text.startswith(key)  # the default quoted with the key it is the default of


def test_the_thing_whose_default_is_asked_is_read_in_an_identifiers_parts():
    from rag.answer_relations import unstated_relation

    quote = "KILN_LOG_NAME\nThe name of the firing log.\n\nDefault: 'firing'"
    assert not unstated_relation("What is the default value of KILN_LOG_NAME?", [quote])
    assert unstated_relation("What is the default value of KILN_LOG_NAME?", ["Default: 'firing'"])
