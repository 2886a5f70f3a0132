"""A command's manual page (SYNOPSIS lines, subcommands and options as definition terms, asciidoc's markup): asked
what a subcommand or an option does, its description answers, never its usage line nor another option's text."""

from __future__ import annotations

import pytest

from rag.answer import _is_synopsis, _option_named
from rag.answer_signals import described_thing, describes
from tests.rag.answer_pages import answered, page_service

KILN_PAGE = """<html><head><title>kiln(1)</title></head><body>
<h1>kiln(1) Manual Page</h1>
<h2>NAME</h2>
<p>kiln - Fire pots in a studio kiln</p>
<h2>SYNOPSIS</h2>
<div class="verseblock"><pre class="content">kiln load [--shelf] [-q | --quiet] [&lt;pot&gt;]
kiln fire [--cone=&lt;cone&gt;] [-q | --quiet] [&lt;program&gt;]
kiln unload [--cool] [&lt;pot&gt;]</pre></div>
<h2>DESCRIPTION</h2>
<p>Use kiln when you want to fire a load of pots in the studio kiln and log the firing.</p>
<h2>COMMANDS</h2>
<div class="dlist"><dl>
<dt class="hdlist1">fire [--cone=&lt;cone&gt;] [-q|--quiet] [&lt;program&gt;]</dt>
<dd><p>Heat the loaded kiln along a firing program and hold it at the peak temperature of the chosen cone.</p></dd>
<dt class="hdlist1">unload [--cool] [&lt;pot&gt;]</dt>
<dd><p>Take the fired pots off the shelves once the kiln is below the handling temperature.</p></dd>
</dl></div>
<h2>OPTIONS</h2>
<div class="dlist"><dl>
<dt class="hdlist1">--glaze=[(gloss|matte):]&lt;pot&gt;</dt>
<dd><p>Fire a glaze load. The pot fired with --glaze=matte:&lt;pot&gt; is similar but its surface is instead left
dull.</p></dd>
<dt class="hdlist1">--reglaze</dt>
<dd><p>Replace the glaze of a fired pot by firing a new coat over the old one.</p></dd>
<dt class="hdlist1">-k</dt>
<dt class="hdlist1">--[no-]cool</dt>
<dd><p>By default the kiln cools at its own pace after a firing. When --no-cool is given, the kiln is opened at
once.</p></dd>
<dt class="hdlist1">-w</dt>
<dt class="hdlist1">--witness-cones</dt>
<dt class="hdlist1">--no-witness-cones</dt>
<dd><p>Place a row of witness cones on the top shelf so the firing can be judged by eye.</p></dd>
<dt class="hdlist1">--allow-empty</dt>
<dd><p>Usually a program with no pot on any shelf is a mistake, and the command refuses to start it. This option
bypasses the safety, and is meant for tests of a new kiln.</p></dd>
</dl></div>
</body></html>"""


@pytest.fixture(scope="module")
def kiln_service(embedder, tmp_path_factory):
    yield from page_service(embedder, tmp_path_factory, KILN_PAGE, "kiln")


def test_a_usage_line_is_a_synopsis_and_a_sentence_with_brackets_is_not():
    assert _is_synopsis("git stash pop [--index] [-q | --quiet] [<stash>]")
    assert _is_synopsis("ls [OPTION]... [FILE]...")
    assert not _is_synopsis("Use the given [x] value.")
    assert not _is_synopsis("kiln fire")  # no bracket: a command, not its usage


def test_an_option_is_named_by_any_of_its_names_written_whole():
    assert _option_named("-a\n--all", "What does --all do?")
    assert _option_named("--reglaze", "What does kiln --reglaze do?")
    assert not _option_named("--glaze=[(gloss|matte):]<pot>", "What does --reglaze do?")
    # "--glaze=matte:<pot>" holds "--" and "matte" and is no description of a "--matte" option
    thing = described_thing("--matte")
    assert not describes("The pot fired with --glaze=matte:<pot> is similar.", thing)
    assert describes("--matte is similar to --glaze.", thing)


def test_what_a_subcommand_does_is_never_its_usage_line(kiln_service):
    answer = answered(kiln_service, "What does kiln fire do?")
    assert not any("[--cone=<cone>]" in c.text for c in answer.citations), answer.text


def test_what_an_option_does_is_its_own_description_not_one_of_an_option_it_is_part_of(kiln_service):
    answer = answered(kiln_service, "What does --reglaze do?")
    assert "Replace the glaze of a fired pot" in answer.citations[0].text, answer.text


def test_an_options_description_goes_on_in_a_sentence_about_the_option(kiln_service):
    answer = answered(kiln_service, "What does kiln --allow-empty do?")
    assert "This option bypasses the safety" in answer.citations[0].text, answer.text


def test_an_options_first_line_names_the_entry_when_the_option_is_asked_as_it_is_written():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "--reglaze", 0.5), ("\n", "Replace the glaze of a fired pot by firing a new coat.", 0.5))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    features = {c.sentence.text: c.features for c in answerer.score_sentences("What does --reglaze do?", [hit])}
    assert features["Replace the glaze of a fired pot by firing a new coat."].get("names_entry") == 1.0
    # "--glaze=matte:<pot>" and such hold the word too; only the option itself names the entry in full
    assert "names_entry" not in answerer.score_sentences("What does --glaze do?", [hit])[0].features


def test_an_options_names_one_a_line_are_its_term_quoted_and_led_with(kiln_service):
    answer = answered(kiln_service, "What does kiln --witness-cones do?")
    quote = answer.citations[0].text
    assert quote.startswith("-w\n--witness-cones\n--no-witness-cones") and "witness cones on the top shelf" in quote
    which = answered(kiln_service, "Which option places witness cones on the top shelf?")
    assert which.short_answer == "-w, --witness-cones, --no-witness-cones", which.text


def test_a_description_goes_on_in_the_sentence_that_names_the_asked_option(kiln_service):
    answer = answered(kiln_service, "What does kiln --no-cool do?")
    assert "the kiln is opened at once" in answer.citations[0].text, answer.text


def test_a_usage_line_gives_no_lead_to_a_which_question():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    usage = hit_of(("", "kiln load [--shelf] [-q | --quiet] [<pot>]", 0.93), doc="synopsis")
    entry = hit_of(("", "-w", 0.3), ("\n", "--witness-cones", 0.3),
                   ("\n", "Place a row of witness cones on the top shelf.", 0.79), doc="options")
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("Which option places cones on the shelf?",
                                                                     [usage, entry])
    assert answer.short_answer == "-w, --witness-cones", answer.text
