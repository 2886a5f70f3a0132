"""'Which method ...' answered where a page sets up a problem and the next sentence names the way: "In some
situations it's helpful to understand whether ... came from the command line ... The Context.get_parameter_source()
method can be used to find this out." The second sentence leans on the first (its "this" at the end) and names a
thing of the asked kind: it joins the quote, and its name leads."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer, _speaks_of_group
from rag.answer_phrases import named_thing
from rag.answer_values import asked_thing, is_entry
from rag.answer_weights import HAND_WEIGHTS, SentenceWeights
from tests.rag.answer_pages import hit_of


@pytest.mark.parametrize(("question", "thing"), [
    ("Which method tells me where a value came from?", "method"),
    ("Which function reads one keypress from the terminal?", "function"),
    ("Which Click parameter type gives the filename?", "type"),
    ("Which class does that?", "class"),
    ("Which extension adds syntax for defining footnotes?", "extens"),  # the kind ends before its verb
])
def test_the_kind_of_thing_asked_for(question, thing):
    assert asked_thing(question) == frozenset({thing})


@pytest.mark.parametrize(("text", "name"), [
    ("The Context.get_parameter_source() method can be used to find this out.", "Context.get_parameter_source"),
    ("Click provides the getchar() function which reads a single character.", "getchar"),
    ("Use the `'close'` event for that.", "close"),
    ("You can filter by label using the keyword argument label_ instead.", "label_"),  # the kind, then a code name
    ("Call the method fetch_all() to read every row.", "fetch_all()"),
])
def test_a_name_given_a_thing_of_the_asked_kind(text, name):
    kind = frozenset({"method"}) if "method" in text else frozenset({"function"}) if "function" in text \
        else frozenset({"argument"}) if "argument" in text else frozenset({"event"})
    assert named_thing(text, kind, "Which one is it?") == name


def test_a_plain_word_after_the_kind_is_no_name_of_it():
    assert named_thing("Pass the argument value to it.", frozenset({"argument"}), "Which one is it?") is None


def _setup_then_way():
    return hit_of(("", "In some situations it's helpful to understand whether or not an option or parameter came "
                       "from the command line, the environment, the default value, or Context.default_map.", 0.69),
                  (" ", "The Context.get_parameter_source() method can be used to find this out.", 0.57),
                  (" ", "It will return a member of the ParameterSource enum.", 0.40), doc="advanced")


def test_the_next_sentence_naming_the_asked_method_joins_and_leads():
    question = "Which method tells me whether a parameter's value came from the command line or the environment?"
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [_setup_then_way()])
    assert answer.text.startswith("Context.get_parameter_source — ")
    assert answer.citations[0].text.endswith("can be used to find this out.")


def test_asked_something_else_the_setup_is_quoted_alone():
    question = "Where can an option's value come from?"
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [_setup_then_way()])
    assert answer.citations[0].text.startswith("In some situations")
    assert "get_parameter_source" not in answer.citations[0].text


def test_an_example_call_opens_no_entry_and_which_x_finds_x():
    assert not is_entry("FileSystemLoader('/path/to/system/templates')")
    assert is_entry("class jinja2.ChoiceLoader(loaders)")
    assert asked_thing("Which loader lets users override my templates?") == frozenset({"loader"})
    assert asked_thing("Which handler formats the records?") == frozenset({"handler"})


def test_a_quote_deep_in_an_entry_of_the_asked_kind_leads_with_the_entry():
    entry = hit_of(("", "class kiln.ChoiceLoader(loaders)", 0.3),
                   ("\n", "This loader works like the PrefixLoader just that no prefix is specified.", 0.4),
                   ("\n", ">>> loader = ChoiceLoader([", 0.2),
                   ("\n", "...     FileSystemLoader('/path/to/user/templates'),", 0.2),
                   ("\n", "...     FileSystemLoader('/path/to/system/templates')", 0.2),
                   ("\n", "... ])", 0.1),
                   ("\n", "This is useful if you want to allow users to override builtin templates from a different "
                          "location.", 0.7), doc="api")
    question = "Which loader lets users override the built-in templates?"
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [entry])
    assert answer.text.startswith("kiln.ChoiceLoader — ")
    assert "override builtin templates" in answer.citations[0].text


def test_how_do_i_leads_with_the_call_without_the_documentation_tools_namespace():
    entry = hit_of(("", "kiln-filters.glaze(value: str, boolean: bool = False) → str", 0.4),
                   ("\n", "Glaze the value with the default glaze of the kiln.", 0.5),
                   ("\n\n", "The glaze is applied in one thin coat.", 0.2),
                   ("\n\n", "After the filter is applied, empty strings are glazed too when boolean is true.", 0.7),
                   doc="filters")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("How do I glaze empty strings too?", [entry])
    assert answer.text.startswith("glaze(value: str, boolean: bool = False) → str — ")


def test_asked_for_a_date_a_sentence_without_one_loses_however_many_words_it_shares():
    question = "On what date did the meeting take place?"
    page = hit_of(("", "From 10:50 on 14 September for approximately 50 minutes, Kono talked with Ivanov.", 0.34),
                  ("\n\n", "A summit meeting could take place again on the occasion of the APEC meeting.", 0.33),
                  (" ", "It was agreed that the dates for these dialogues would be coordinated later.", 0.37),
                  doc="outline")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [page])
    assert answer.text.startswith("14 September — ")
    blind = SentenceWeights({**HAND_WEIGHTS, "value_missing": 0.0})
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=blind)).score_sentences(question, [page])
    assert "14 September" not in scored[0].sentence.text  # kind_missing alone is outweighed by the shared words


def test_a_sentence_ending_on_this_or_that_leans_on_the_one_before_but_not_one_ending_on_them():
    from rag.answer import _refers_back

    previous = "It is helpful to know where a value came from."
    assert _refers_back("The get_parameter_source() method can be used to find this out.", previous) == set()
    assert _refers_back("Use --force for that.", previous) == set()
    # (a closing "them" or "it" names what its own sentence named: "packages ... reported against them")
    assert _refers_back("Packages go into testing when no bugs are reported against them.", previous) is None


def test_which_function_is_answered_by_the_entry_whose_name_is_the_questions_verb():
    from rag.answer_phrases import find_phrase

    question = "Which function commits any pending transaction to the database?"
    text = "commit()\nCommit any pending transaction to the database."
    assert find_phrase("term", text, question, "commit()") == "commit"
    # named in the question as code, the entry is the question's own thing, not its answer
    assert find_phrase("term", text, "Which exception can commit() raise?", "commit()") is None
    assert find_phrase("term", "max_length (int) – the longest allowed", "Which limit applies past max_length?",
                       "max_length (int)") != "max_length"  # a parameter's line is no signature


def test_which_place_kind_leads_with_the_place_the_prose_names():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "He also proposed convening a subcommittee on border demarcation in Tokyo during mid-October.",
                  0.7))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "In which city would the border subcommittee meet?", [hit])
    assert answer.short_answer == "Tokyo", answer.text


def test_a_sentence_about_a_group_of_the_asked_kind_names_none_of_them():
    intro = hit_of(("", "Stop Functions", 0.3),
                   ("\n", "Those functions can be used as the stop keyword argument of kiln.fire().", 0.72), doc="api")
    entry = hit_of(("", "class kiln.stop.stop_after_firings(max_firings: int)", 0.4),
                   ("\n", "Stop when the previous firing count >= max_firings.", 0.9), doc="api2")
    question = "Which function stops firing after a number of firings?"
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [intro, entry])
    assert answer.short_answer == "kiln.stop.stop_after_firings", answer.text
    # Asked another kind of thing, the group's sentence still names what it is for.
    assert not _speaks_of_group("Those functions can be used as the stop argument.", frozenset({"argument"}))


def test_an_entry_of_the_asked_kind_saying_just_what_is_asked_is_answered_by_its_name():
    entry = hit_of(("", "text(x, y, labels, ...)", 0.4),
                   ("\n", "Add text to a plot at points given by x, y.", 0.73),
                   ("\n\n", "lines(x, y)", 0.4),
                   ("\n", "Adds points or connected lines to the current plot.", 0.7), doc="plots")
    question = "Which function adds text to a plot at points given by x, y?"
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [entry])
    assert answer.short_answer == "text", answer.text
    assert "Add text to a plot" in answer.citations[0].text


def test_which_attribute_is_answered_by_the_entry_named_by_the_questions_own_word():
    from rag.answer_phrases import find_phrase

    question = "Which attribute gives the final URL of a response?"
    assert find_phrase("term", "Final URL location of Response.", question, "url") == "url"
    # A thing of another kind named by the question's word is still the question's own word.
    assert find_phrase("term", "Final URL location of Response.", "Which library gives the final URL?", "url") is None
    # ... and so is the name the question itself writes as code.
    assert find_phrase("term", "Final URL location of Response.", "Which attribute is `url` next to?", "url") is None


def test_which_list_leads_with_the_whole_address_not_its_host():
    from rag.answer_phrases import find_phrase

    text = "The mailing list debian-mentors@lists.debian.org has been set up for novice maintainers."
    assert find_phrase("term", text, "Which list is for novice maintainers?") == "debian-mentors@lists.debian.org"


def test_a_field_lists_term_leads_the_answer_found_deep_in_its_description():
    checks = hit_of(("", "'tuple':", 0.2), ("\n", "matches any list. This check returns a tuple.", 0.3),
                    ("\n\n", "coerce_list:", 0.2),
                    ("\n", "matches any list, but wraps a lone value into a list of one.", 0.4),
                    (" ", "Handy when a user leaves out the trailing comma of a one-item list.", 0.7), doc="checks")
    question = "Which check helps when a user leaves out the trailing comma of a one-item list?"
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [checks])
    assert answer.short_answer == "coerce_list"
    assert "trailing comma" in answer.citations[0].text


def test_a_lead_in_that_names_a_thing_of_the_asked_kind_answers_which():
    page = hit_of(("", "Using label as a keyword argument is a syntax error, since it is a reserved word.", 0.7),
                  ("\n\n", "Since version 2.0 you can filter by label using the keyword argument label_:", 0.66),
                  ("\n", 'db.find("row", label_="urgent")', 0.4), doc="guide")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "Which keyword argument do I use with find() to filter by label?", [page])
    assert answer.short_answer == "label_"


def test_which_decorator_is_answered_by_the_name_a_function_is_decorated_with():
    page = hit_of(("", "When a task creator is decorated with kiln.run_later, it is evaluated only after the tasks "
                       "it waits for have run.", 0.7), doc="guide")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "Which decorator delays a task creator until other tasks have run?", [page])
    assert answer.short_answer == "kiln.run_later"


def test_a_dotted_name_whose_last_part_the_question_calls_is_the_questions_own():
    page = hit_of(("", "Signal.connect() registers a function to be called each time the signal is sent.", 0.8),
                  doc="signals")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "Which signal is sent after each call to connect()?", [page])
    assert answer.short_answer != "Signal.connect"
