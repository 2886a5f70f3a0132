"""A question that asks for a bound or for one thing's default is answered only by a quote that states it: a
sentence about the thing that states no bound, or the default of another parameter, is a near miss."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_relations import (
    asked_bound,
    asked_default_thing,
    asks_code_name,
    states_bound,
    unheard_attribute,
    unstated_relation,
)
from tests.rag.answer_pages import hit_of


@pytest.mark.parametrize(("question", "direction"), [
    ("What is the maximum size of a large object?", "upper"),
    ("What is the default maximum size of HTTP headers?", "upper"),
    ("Which is the largest value UV_THREADPOOL_SIZE can be set to?", "upper"),
    ("How many subcommands at most can a chained group run?", "upper"),
    ("What is the minimum Python version Click supports?", "lower"),
    ("What is the oldest Bash version that completion works with?", "lower"),
    ("How much memory does R need at a minimum?", "lower"),
    ("What is the deepest a recursive loop may nest?", "upper"),  # any superlative asks for a bound
    ("Even on a wide terminal, what is the widest help text gets?", "upper"),
])
def test_a_question_asking_for_a_bound(question, direction):
    assert asked_bound(question) == direction


@pytest.mark.parametrize("question", [
    "What value should --max-old-space-size be set to?",  # a name holding "max" asks no bound
    "Which option takes at least one value?",  # a bound in a condition
    "Which type limits an integer option to values between a lower and an upper bound?",
    "What is the max_age of a session cookie?",
    "What is the best way to nest loops?",  # a superlative of merit or time picks a thing, not a bound
    "Which is the latest release?",
])
def test_a_question_not_asking_for_a_bound(question):
    assert asked_bound(question) is None


@pytest.mark.parametrize(("text", "direction"), [
    ("For FAT filesystems by its design, the maximum file size is 4 GiB.", "upper"),
    ("Specify `0` to remove key counting limitations.", "upper"),
    ("A name may be up to 255 characters long.", "upper"),
    ("a good password which consists of at least 6 to 8 characters", "lower"),
    ("Click supports Bash (version 4.4 and up).", "lower"),
    ("Werkzeug requires Python 3.7 or newer.", "lower"),
    ("Works with Python 3.8+.", "lower"),
    ("The value must be between 1 and 1024.", "upper"),
    ("Even on a larger terminal, help will not be formatted wider than 80 characters.", "upper"),
    ("The pool does not accept more than 16 workers.", "upper"),
    ("The default setting for POOL_MAX_WORKERS is 16.", "upper"),  # an identifier's part names the most
    ("Raise max_page_count to grow the file.", "upper"),
])
def test_a_sentence_stating_a_bound(text, direction):
    assert states_bound(text, direction)


@pytest.mark.parametrize(("text", "direction"), [
    ("The historySize option can be 0 now.", "upper"),
    ("Added support for large objects greater than 2GB.", "upper"),  # a feature's reach, not a most
    ("A vector can be used as an array only if it has a dim attribute.", "upper"),
    ("The --max-old-space-size flag sets the heap size.", "upper"),  # a name holding "max"
    ("Python 3.7 or older is not tested.", "lower"),
    ("The terminal may be larger than that.", "upper"),  # a comparison, no most
])
def test_a_sentence_stating_no_bound_of_that_direction(text, direction):
    assert not states_bound(text, direction)


@pytest.mark.parametrize(("question", "thing"), [
    ("What is the default connection timeout of psycopg2.connect()?", "timeout"),
    ("What is SharedDataMiddleware's default cache timeout?", "timeout"),
    ("What is the default value of R's digits option?", "digit"),
    ("What is the default runlevel of a Debian system?", "runlevel"),
    ("What is the default maximum number of workers in a pool?", "worker"),  # the bound's thing, not "number"
    ("What is the default number of worker processes used for parallel runs?", "process"),  # not "used"
])
def test_the_thing_whose_default_is_asked(question, thing):
    assert asked_default_thing(question) == thing


@pytest.mark.parametrize("question", ["Which port does connect() use by default?",
                                      "How many threads does the pool start by default?"])
def test_a_default_asked_another_way_names_no_thing_to_check(question):
    assert asked_default_thing(question) is None


def test_the_asked_defaults_thing_counts_inside_an_identifier():
    question = "What is SharedDataMiddleware's default cache timeout?"
    assert not unstated_relation(question, ["SharedDataMiddleware(app, exports, cache=True, cache_timeout=43200)"])
    assert unstated_relation(question, ["get_data(cache=True) By default this is cached."])


def test_naming_the_asked_thing_without_giving_it_a_default_states_no_default():
    question = "What is the default request timeout of werkzeug.test.Client?"
    assert unstated_relation(question, ["exception RequestTimeout(description=None, response=None) 408 Request Timeout"])
    assert not unstated_relation(question, ["- timeout – seconds to wait for a reply (defaults to 30)"])
    assert not unstated_relation(question, ["Client(app, request_timeout=30)"])


def _history_option():
    return hit_of(("", "* `historySize` {number} Maximum number of history lines retained.", 0.62),
                  (" ", "To disable the history set this value to `0`.", 0.40),
                  (" ", "**Default:** `30`.", 0.12),
                  ("\n", "v6.0.0 | The `historySize` option can be `0` now.", 0.66), doc="readline")


def test_a_near_miss_on_a_bound_abstains_and_the_bound_asked_is_answered():
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.3))
    near_miss = "What is the maximum value allowed for readline's historySize option?"
    plain = "What value does readline's historySize option allow?"
    assert answerer.answer(plain, [_history_option()]).abstained is False
    assert answerer.answer(near_miss, [_history_option()]).abstained is True
    bounded = hit_of(("", "* `historySize` {number} The maximum value allowed is `1000`.", 0.66), doc="readline")
    answer = answerer.answer(near_miss, [bounded])
    assert not answer.abstained and "1000" in answer.text


def test_the_default_of_another_parameter_lowers_confidence_by_the_penalty():
    signature = hit_of(("", "connect(dsn=None, connection_factory=None, cursor_factory=None, **kwargs)", 0.5),
                       ("\n", "- port – connection port number (defaults to 5432 if not provided)", 0.7), doc="pg")
    config = AnswerConfig(threshold=-1.0)
    unchecked = ExtractiveAnswerer(AnswerConfig(threshold=-1.0, unstated_relation_penalty=0.0))
    for question, penalty in [("What is the default connection timeout of connect()?", config.unstated_relation_penalty),
                              ("What is the default connection port of connect()?", 0.0)]:
        answer = ExtractiveAnswerer(config).answer(question, [signature])
        assert answer.confidence == pytest.approx(unchecked.answer(question, [signature]).confidence - penalty)
    assert "5432" in ExtractiveAnswerer(config).answer("What is the default connection port of connect()?",
                                                       [signature]).text


@pytest.mark.parametrize(("question", "code"), [
    ("Which exception does the sandbox raise when a template runs too long?", True),
    ("Which method tells me where a value came from?", True),
    ("Which decorator marks a filter as context-aware?", True),
    ("Which command shows the installed files?", False),  # a command is often given in prose
    ("Which year was it released?", False),
    # an event, an attribute or a module is code only where the question speaks of code
    ("Which event is emitted when the stream closes?", True),
    ("Which event does `server.close()` wait for?", True),
    ("Which event in Brunei was mentioned?", False),
    ("Which attribute of the meeting did the ministers praise?", False),
])
def test_questions_whose_answer_is_a_code_name(question, code):
    assert asks_code_name(question) is code


def test_asked_which_exception_prose_naming_none_is_doubted():
    prose = hit_of(("", "Your code should catch errors instead of crashing when a template uses too much memory.", 0.7),
                   doc="sandbox")
    named = hit_of(("", "The sandbox raises SecurityError when a template uses too much memory.", 0.7), doc="sandbox")
    config = AnswerConfig(threshold=-1.0)
    question = "Which exception does the sandbox raise when a template uses too much memory?"
    doubted, answered = (ExtractiveAnswerer(config).answer(question, [hit]) for hit in (prose, named))
    assert answered.text.startswith("SecurityError — ")
    unchecked = ExtractiveAnswerer(AnswerConfig(threshold=-1.0, unstated_relation_penalty=0.0))
    assert doubted.confidence == pytest.approx(unchecked.answer(question, [prose]).confidence
                                               - config.unstated_relation_penalty)
    assert answered.confidence == pytest.approx(unchecked.answer(question, [named]).confidence)


@pytest.mark.parametrize(("question", "absent", "unheard"), [
    ("What is the capital of Russia?", ["capital"], True),
    ("What is the population of Japan?", ["population", "japan"], True),
    ("What is the capital of Russia?", [], False),  # the corpus uses the word: it may well say it
    ("What was the name of the Japanese minister?", ["name"], False),  # a name is stated by giving it
    ("What is the date of the meeting?", ["date"], False),
    ("Who is the capital's mayor?", ["capital"], False),  # not an attribute asked of a thing
])
def test_an_attribute_in_a_word_the_corpus_never_uses(question, absent, unheard):
    assert unheard_attribute(question, absent) is unheard


def test_asked_an_attribute_the_corpus_never_names_the_answer_is_doubted():
    page = hit_of(("", "Ivanov repeated his request that Kono pay a visit to Russia.", 0.6), doc="outline")
    config = AnswerConfig(threshold=-1.0)
    question = "What is the capital of Russia?"
    heard, unheard = (ExtractiveAnswerer(config).answer(question, [page], absent) for absent in ([], ["capital"]))
    assert unheard.confidence == pytest.approx(heard.confidence - config.unstated_relation_penalty)


def _confidence(question: str, config: AnswerConfig) -> float:
    page = hit_of(("", "He wished to convene a subcommittee in Tokyo during mid-October.", 0.5),
                  (" ", "A summit could take place at the APEC leaders' meeting in Brunei.", 0.45))
    return ExtractiveAnswerer(config).answer(question, [page]).confidence


def test_a_value_in_a_sentence_sharing_next_to_none_of_the_question_is_another_things():
    # Asked the APEC meeting's date, the only date read is the subcommittee's: an unstated relation.
    question = "When exactly was the APEC leaders' meeting held?"
    with_rule = _confidence(question, AnswerConfig(threshold=-1.0))
    without = _confidence(question, AnswerConfig(threshold=-1.0, value_of_other_overlap=0.0))
    assert without - with_rule == pytest.approx(AnswerConfig(threshold=0.0).unstated_relation_penalty)


def test_a_value_in_a_sentence_about_the_asked_thing_keeps_its_confidence():
    question = "When would the subcommittee convene?"
    assert _confidence(question, AnswerConfig(threshold=-1.0)) == \
        _confidence(question, AnswerConfig(threshold=-1.0, value_of_other_overlap=0.0))


def test_the_default_of_a_named_parameter_is_its_entrys_and_no_other_ones():
    question = "What is the default value of the encoding parameter of click.get_text_stream?"
    assert asked_default_thing(question) == "encod"  # the parameter, not the owner's "click"
    assert not unstated_relation(question, ["click.get_text_stream(name, encoding=None, errors='strict')"])
    question = "What is the default value of the abort parameter of click.unstyle?"
    assert unstated_relation(question, ["click.confirm(text, default=False, abort=False)"])  # another entry's
    assert not unstated_relation(question, ["click.unstyle(text, abort=False)"])
    assert not unstated_relation(question, ["- abort (bool) – abort when declined; defaults to False."])
    # a device's "default set of parameters" gives no default to a parameter named device
    assert unstated_relation("What is the default value of the device parameter of dev.set?",
                             ["Each device has a default set of parameters when initialized."])


def test_a_bound_asked_for_leads_with_its_value_and_an_identifier_holding_the_bound_states_it():
    limits = hit_of(("", "2. Maximum Number Of Workers", 0.5),
                    ("\n", "The default setting for POOL_MAX_WORKERS is 16.", 0.7),
                    (" ", "You can raise it when the pool is built.", 0.5), doc="limits")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.3)).answer(
        "What is the default maximum number of workers in a pool?", [limits])
    assert not answer.abstained and answer.short_answer == "16"



def test_a_bound_among_several_numbers_gives_no_number_lead():
    fat = hit_of(("", "For FAT filesystems the maximum file size is (2^32 - 1) bytes = (4GiB - 1 byte).", 0.8),
                 doc="fs")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.3)).answer("What is the largest file size FAT can store?", [fat])
    assert not answer.abstained and answer.short_answer is None
