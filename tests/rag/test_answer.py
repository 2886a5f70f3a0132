"""Extractive answers through the real pipeline: the phrase that answers first, spans that stand alone, abstention."""

from __future__ import annotations

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_phrases import expected_kind, find_phrase, term_name
from rag.records import Document, Hit, Passage, ScoredSentence

API_PAGE = """<html><head><title>cachetools — caching helpers</title></head><body>
<h1>cachetools — caching helpers</h1>
<p>The cachetools module provides decorators and functions for caching the results of calls.</p>
<dl class="py function">
<dt>@cachetools.memoize(maxsize=128, typed=False)</dt>
<dd><p>Decorator to wrap a function with a memoizing callable that saves up to the maxsize most recent calls.
It can save time when an expensive or I/O bound function is periodically called with the same arguments.</p>
<p>If typed is set to true, function arguments of different types will be cached separately.</p></dd>
</dl>
<dl class="py function"><dt>cachetools.hashkey(*args, **kwargs)</dt>
<dd><p>Return a cache key for the specified hashable arguments, suitable for use as a dictionary key.</p></dd></dl>
<dl class="py function"><dt>cachetools.expire_all(cache)</dt>
<dd><p>Remove every entry of the given cache whose time to live has passed.</p></dd></dl>
<h2>Cache classes</h2>
<table><tr><th>class</th><th>eviction policy</th></tr>
<tr><td>LRUCache</td><td>discards the least recently used items first</td></tr>
<tr><td>LFUCache</td><td>discards the least frequently used items first</td></tr>
<tr><td>TTLCache</td><td>discards items whose time to live has expired</td></tr>
</table></body></html>"""


@pytest.fixture(scope="module")
def api_service(embedder, tmp_path_factory):
    from rag.config import Settings
    from rag.load import load_bytes
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path_factory.mktemp("api-index")), embedder=embedder)
    service.warm_up()
    doc: Document = load_bytes(API_PAGE.encode(), "cachetools.html")
    service.ingest_documents([doc])
    yield service
    service.close()


def _exact(service, answer) -> None:
    for c in answer.citations:
        assert service.document(c.doc_id)[1][c.start : c.end] == c.text


ERRORS_PAGE = """# Error classes

This module exposes the classes the driver raises upon receiving an error from the database with a SQLSTATE value
attached. Every class is named after the condition its SQLSTATE stands for, and derives from a DB-API exception.

## Class 23: Integrity Constraint Violation

| SQLSTATE | Exception | Base exception |
|----------|-----------|----------------|
| 23000 | IntegrityConstraintViolation | IntegrityError |
| 23001 | RestrictViolation | IntegrityError |
| 23502 | NotNullViolation | IntegrityError |
| 23503 | ForeignKeyViolation | IntegrityError |
| 23505 | UniqueViolation | IntegrityError |
| 23514 | CheckViolation | IntegrityError |
"""


def test_a_code_the_question_gives_picks_the_row_that_holds_it(embedder, tmp_path):
    """A table row is a poor match for a question in words, but "SQLSTATE 23505" names its row exactly."""
    from rag.config import Settings
    from rag.load import load_bytes
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path / "index"), embedder=embedder)
    try:
        service.ingest_documents([load_bytes(ERRORS_PAGE.encode(), "errors.md")])
        answer = service.ask("Which exception class is raised for SQLSTATE 23505?")
        assert answer.text.startswith("UniqueViolation"), answer.text
        assert "23505 | UniqueViolation" in answer.citations[0].text
        _exact(service, answer)
        assert service.ask("Which exception class is raised for SQLSTATE 42704?").abstained  # a code not in the table
    finally:
        service.close()


def test_a_duration_question_leads_with_the_duration(seed_service):
    answer = seed_service.ask("How long did the ministers meet?")
    assert answer.text.startswith("approximately 50 minutes — ")
    assert len(answer.citations) >= 1 and "approximately 50 minutes" in answer.citations[0].text
    _exact(seed_service, answer)


def test_what_became_of_an_offer_quotes_the_sentence_that_says_it(seed_service):
    answer = seed_service.ask("What became of the Russian offer of support for the flooding?")
    assert not answer.abstained
    assert "respectfully declined" in answer.citations[0].text  # the follow-up sentence joins the span
    assert "kind offer of support" in answer.citations[0].text
    _exact(seed_service, answer)


def test_a_question_about_what_the_document_never_states_abstains(seed_service):
    assert seed_service.ask("Who is the Prime Minister of Japan?").abstained


def test_what_does_x_do_quotes_the_description_with_its_signature(api_service):
    answer = api_service.ask("What does cachetools.memoize do?")
    quote = answer.citations[0].text
    assert quote.startswith("@cachetools.memoize(") and "Decorator to wrap a function" in quote
    _exact(api_service, answer)


def test_which_function_names_the_function_and_cites_its_description(api_service):
    answer = api_service.ask("Which function returns a cache key for hashable arguments?")
    assert answer.text.startswith("cachetools.hashkey — ")
    assert "Return a cache key" in answer.citations[0].text
    _exact(api_service, answer)


def test_a_table_cell_answers_with_its_row_and_column_headers(api_service):
    answer = api_service.ask("Which cache class discards the least frequently used items?")
    assert answer.text.startswith("LFUCache — class: LFUCache; eviction policy: discards the least frequently")
    assert answer.citations[0].text == "LFUCache | discards the least frequently used items first"
    _exact(api_service, answer)


@pytest.mark.parametrize(("question", "kind"), [
    ("How long did the talks last?", "duration"),
    ("What time did the meeting start?", "time"),
    ("When was version 2 released?", "date"),
    ("On what day did the meeting happen?", "day"),
    ("How many countries spoke?", "number"),
    ("Who represented Russia?", "name"),
    ("Why did Kono consider the trip a success?", "reason"),
    ("Which function returns a key?", "term"),
    ("What is the primary debugger on Debian?", "term"),
    ("How do I save iptables rules?", "how"),
    ("What does lru_cache do?", None),
    ("How long may an object name be?", None),  # a length ("effectively unlimited"), not a duration
    ("How long will the upgrade take to be ready?", "duration"),
    ("When is the 'close' event emitted?", None),  # the condition it happens on, not a date
    ("When should flush() be called?", None),
    ("When will the module be removed?", "date"),
    ("When does put() return False instead of storing the item?", None),  # what code does on a condition
    ("When does the pool raise an error?", None),
    # "date" naming a kind of thing ("Which date modifier ..."): the thing is asked, not a date
    ("Which date modifier reads a number as seconds?", "term"),
    ("What date format does the log use?", "term"),
    ("Which day did the talks end?", "day"),
    ("What day of the week was it?", "day"),
    # a condition first, then the question: the question after the comma says what is asked
    ("When a template renders to one node, what does render() return?", None),
    ("When the pool is full, how long does getconn() wait?", "duration"),
    # "which X" asks for an X, whatever its clause asks after it
    ("Which attribute tells how many rows the last execute produced?", "term"),
    ("Which year was version 2 released?", "date"),
])
def test_the_kind_of_phrase_a_question_asks_for(question, kind):
    assert expected_kind(question) == kind


@pytest.mark.parametrize(("kind", "text", "question", "phrase"), [
    # where a limit arises from is its reason
    ("reason", "This limit arises from the fact that the planner keeps one bit per table.",
     "Why can the limit not be raised?", "the planner keeps one bit per table"),
    # a manual page's section and a power's parts are no quantities
    ("number", "Choose a password of at least 6 characters, as told in passwd(1).",
     "How long should a password for passwd be?", "at least 6"),
    ("number", "The size is at most 2^32 bytes.", "How many bytes at most?", None),
    # an identifier's parts beside a number say what it counts
    ("number", "The setting for POOL_MAX_WORKERS is 16. Startup takes 3 seconds.",
     "How many workers may a pool run at most?", "16"),
])
def test_phrases_of_limits_and_their_reasons(kind, text, question, phrase):
    assert find_phrase(kind, text, question) == phrase


def test_phrases_are_found_next_to_the_question_words():
    text = "From 10:50 (Eastern Standard Time - 23:50 Japan Standard Time) on 14 September for approximately 50 minutes"
    assert find_phrase("time", text, "What was the clock time in Japan?") == "23:50"
    assert find_phrase("time", text, "What time did it begin in Eastern Standard Time?") == "10:50"
    assert find_phrase("duration", text, "How long?") == "approximately 50 minutes"
    assert find_phrase("date", text, "On what day?") == "14 September"
    assert find_phrase("term", "the tracepath(8) command can automate this (RFC1191)", "What tool?") == "tracepath"
    assert find_phrase("name", "Foreign Minister Kono met Igor Sergeyevich Ivanov", "Who did Kono meet?") == \
        "Igor Sergeyevich Ivanov"
    assert find_phrase("number", "The text has no figures at all", "How many?") is None
    assert find_phrase("day", "talks in Tokyo during mid-October", "On what day?") is None  # a day, not a month
    assert find_phrase("date", "talks in Tokyo during mid-October", "When?") == "mid-October"
    # "when" takes the date, unless the question's words stand beside a time
    assert find_phrase("date", text, "When did the meeting start?") == "14 September"
    assert find_phrase("date", text, "When did the meeting start in Japan time?") == "23:50"
    # "how often" is answered by the frequency, not its number alone
    kettle = "The office kettle must be descaled every 14 days. Descaling takes about 20 minutes."
    assert find_phrase("number", kettle, "How often must the kettle be descaled?") == "every 14 days"
    assert find_phrase("number", "Backups run twice a week; logs rotate daily.", "How often do backups run?") == \
        "twice a week"
    assert expected_kind("How frequently is it descaled?") == "number"
    assert term_name("@functools.lru_cache(maxsize=128, typed=False)") == "functools.lru_cache"
    assert term_name("class argparse.ArgumentParser(prog=None)") == "argparse.ArgumentParser"
    # A documentation tool's namespace ("jinja-filters.") is not part of the name; a module path is.
    assert term_name("jinja-filters.wordwrap(s: str, width: int = 79) → str") == "wordwrap"
    assert term_name("--max-old-space-size=SIZE") == "--max-old-space-size"


@pytest.mark.parametrize(("text", "question", "name"), [
    # a time zone or an assembly is name-shaped, but "who" asks for a person; the asked one is not the answer
    ("From 10:50 (Eastern Standard Time) Minister Yohei Kono met the Minister of the Russian Federation Igor "
     "Sergeyevich Ivanov at the United Nations General Assembly", "Who did Kono meet?", "Igor Sergeyevich Ivanov"),
    ("From 10:50 (Eastern Standard Time) Minister Yohei Kono met the Minister of the Russian Federation Igor "
     "Sergeyevich Ivanov", "Who met with Ivanov?", "Yohei Kono"),
    # the question's own name ("Debian Project") is context read across, not a rival that ends the window
    ("The Debian Project was created by Ian Murdock in 1993, initially under the sponsorship of the Free Software "
     "Foundation's GNU Project.", "Who started the Debian project?", "Ian Murdock"),
    # a body named by the question's common nouns ("force") still answers "which force ... who"
    ("Leaks of secret documents by a Maritime Self-Defense Force official", "Which force did the official who leaked "
     "documents belong to?", "Maritime Self-Defense Force"),
    ("Please address email correspondence to R-help@R-project.org.", "Who should I e-mail about An Introduction to R?",
     "R-help@R-project.org"),
])
def test_who_is_answered_by_a_person_other_than_the_one_asked_about(text, question, name):
    assert find_phrase("name", text, question) == name


def test_who_leads_with_no_name_that_stands_apart_from_the_question_words():
    # Asked who offered help, the quote names Kono, who thanked someone for it: no question word beside him.
    text = "(At the meeting, Foreign Minister Kono expressed his gratitude for the kind offer of support.)"
    assert find_phrase("name", text, "Who personally offered Japan help after the floods?") is None
    # nor a body that only one question word stands beside ("With whose help ..." and "United Nations")
    text = "Kono stated that Japan would make every effort, with the cooperation of Russia, to realize reform of the " \
        "United Nations."
    assert find_phrase("name", text, "With whose help would Japan pursue UN reform?") is None
    # the name a question word stands beside, before or after it, still answers
    assert find_phrase("name", "Ian Murdock started the Debian project in 1993.", "Who created Debian?") == \
        "Ian Murdock"
    assert find_phrase("name", "The project was led by Bruce Perens for a year.", "Who led the project?") == \
        "Bruce Perens"
    # a possessive is not part of the name
    assert find_phrase("name", "Ivanov noted the success of President Vladimir Putin's visit to Japan.",
                       "Whose trip to Japan was a success?") == "Vladimir Putin"
    # a title makes a name after "from" a person's, not a place's
    text = "Foreign Minister Kono expressed his gratitude for the kind offer of support direct from President Putin."
    assert find_phrase("name", text, "Who offered support?") == "Putin"
    assert find_phrase("name", "The talks took place in Brunei Darussalam.", "Who took part in the talks?") is None
    # ... also past the titles and bodies in front of the name
    text = ("For 50 minutes, Minister for Foreign Affairs Yohei Kono met with the Minister of Foreign Affairs of the "
            "Russian Federation Igor Sergeyevich Ivanov, on the occasion of the General Assembly.")
    assert find_phrase("name", text, "Who did Kono meet?") == "Igor Sergeyevich Ivanov"


_MEETING = ("For 50 minutes, Minister for Foreign Affairs Yohei Kono met with the Minister of Foreign Affairs of the "
            "Russian Federation Igor Sergeyevich Ivanov, on the occasion of the General Assembly.")


@pytest.mark.parametrize(("question", "name"), [
    # the titles in front of each name say which of the two the question describes
    ("Who is the Russian foreign minister?", "Igor Sergeyevich Ivanov"),
    ("Who was Japan's Minister for Foreign Affairs?", "Yohei Kono"),
    ("What is the name of the Russian foreign minister?", "Igor Sergeyevich Ivanov"),
    ("What is the full name of the Russian Minister of Foreign Affairs?", "Igor Sergeyevich Ivanov"),
    # an office asked for that neither holds: no lead, rather than a minister for a president
    ("Who is the President of Russia?", None),
])
def test_who_holds_a_role_is_read_from_the_titles_in_front_of_each_name(question, name):
    assert find_phrase("name", _MEETING, question) == name


def test_when_is_answered_by_the_part_of_an_event_a_sentence_names_when_it_gives_no_date():
    from rag.answer_phrases import event_time
    from tests.rag.answer_pages import hit_of

    text = "(At the beginning of the meeting, Foreign Minister Kono expressed his gratitude for the offer.)"
    assert event_time(text) == "At the beginning of the meeting"
    assert event_time("Kono thanked him at the meeting.") is None
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.3))
    answer = answerer.answer("When did Kono express his gratitude?", [hit_of(("", text, 0.6))])
    assert answer.short_answer == "At the beginning of the meeting", answer.text
    # a date, where there is one, is the answer
    dated = "At the end of the meeting on 14 September, Kono thanked him."
    assert answerer.answer("When did Kono thank him?", [hit_of(("", dated, 0.6))]).short_answer == "14 September"
    # no weaker than before for a question with no topic of its own: it is no date the question asks about
    assert answerer.answer("And when will that happen?", [hit_of(("", text, 0.1))]).abstained


def test_who_expressed_something_is_whoever_says_it_with_another_verb_of_speech():
    text = ("1. Statements by Foreign Minister Kono: Foreign Minister Kono stated his deep regret that a military "
            "attache of the Russian Embassy in Japan had acted in an inappropriate manner.")
    assert find_phrase("name", text, "Who expressed regret over the military attache's conduct?") == "Kono"
    # the thing said must follow the speaker's verb: Kono stated regret, not gratitude
    assert find_phrase("name", text, "Who expressed gratitude for the offer?") is None


def test_a_verb_after_and_shares_the_subject_of_the_verb_of_its_tense_before_it():
    text = ("Foreign Minister Ivanov also repeated his request that Foreign Minister Kono pay a visit to Russia and "
            "suggested that a summit could take place in Brunei Darussalam.")
    assert find_phrase("name", text, "Who suggested a summit in Brunei?") == "Ivanov"
    assert find_phrase("name", "Kono thanked Putin and declined the offer.", "Who declined the offer?") == "Kono"


def test_an_office_asked_for_is_answered_by_the_person_who_holds_it():
    text = "Foreign Minister Kono thanked President Putin for the offer, and Kono said so to Russia."
    assert find_phrase("name", text, "Who is the President of Russia?") == "Putin"
    # a question about someone else's trip: the question's "ministers" are not the person asked for
    text = "Foreign Minister Ivanov praised President Vladimir Putin's visit to Japan."
    assert find_phrase("name", text, "Whose trip to Japan did the ministers evaluate?") == "Vladimir Putin"


def test_asked_a_persons_name_a_quote_that_names_no_one_is_no_answer():
    from tests.rag.answer_pages import hit_of

    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.3))
    leak = hit_of(("", "Kono regretted that a military attache of the Russian Embassy in Japan had acted in an "
                       "inappropriate manner.", 0.75))
    assert answerer.answer("What was the name of the Russian military attache?", [leak]).abstained
    assert not answerer.answer("What did the Russian military attache do?", [leak]).abstained
    meeting = hit_of(("", _MEETING, 0.75))
    answer = answerer.answer("What was the name of the Russian foreign minister?", [meeting])
    assert answer.short_answer == "Igor Sergeyevich Ivanov"


@pytest.mark.parametrize(("question", "kind"), [
    ("What is the name of the Russian foreign minister?", "name"),
    ("What was the full name of the military attache?", "name"),
    ("What is the name of the function that parses a date?", "term"),  # a thing's name, not a person's
])
def test_the_name_of_a_person_asks_who(question, kind):
    assert expected_kind(question) == kind


def test_who_takes_a_body_when_the_quote_names_no_person():
    assert find_phrase("name", "Fixes are reviewed by the Technical Steering Committee.", "Who reviews fixes?") == \
        "Technical Steering Committee"


def test_who_prefers_the_sentence_naming_a_person_over_one_naming_only_bodies():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "Foreign Minister Kono declared that over half of the nations at the United Nations Millennium "
                      "Summit had called for reform of the Security Council.", 0.58),
                 (" ", "(Foreign Minister Ivanov nodded in the affirmative while listening to these statements.)", 0.50))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    scored = {c.position: c.features for c in answerer.score_sentences("Who nodded while Kono spoke about reform?", [hit])}
    # A summit and a council are no person: neither the person "who" asks for, nor no name at all.
    assert "kind_phrase" not in scored[0] and "kind_missing" not in scored[0]
    assert "kind_phrase" in scored[1]
    answer = answerer.answer("Who nodded while Kono spoke about reform?", [hit])
    assert answer.text.startswith("Ivanov — "), answer.text


FAQ_PAGE = """<html><head><title>Package FAQ</title></head><body>
<h1>Package FAQ</h1>
<h2>3.1. How can I find out which package owns a file?</h2>
<p>Every installed package keeps a list of the files it installed in the package database.</p>
<p>To identify the package that owns the file named foo, run:</p>
<pre>pkgtool --owner foo</pre>
<p>The output names each package whose file list holds foo.</p>
<h2>3.2. How do I see the default boot target?</h2>
<p>The boot target decides which services start when the machine boots.</p>
<p>To display the default target the system boots into, run the command</p>
<pre>bootctl show-default</pre>
</body></html>"""

CHANGES_PAGE = """<html><head><title>Redirect helpers</title></head><body>
<h1>Redirect helpers</h1>
<p>The redirect helper sends the client to the same URL with a slash appended.</p>
<p>Changed in version 3.2: The default status code of the redirect helper is 308 instead of 301.
This keeps the request method and body intact.</p>
<h2>Debugging</h2>
<p>The debugging page is also a middleware that can be applied by hand.</p>
<p>Turn the debugging page on by wrapping the application in the TracebackViewer middleware.</p>
</body></html>"""

SCRIPTS_PAGE = """<html><head><title>Package scripts</title></head><body>
<h1>Package scripts</h1>
<p>Packages may carry scripts that the package manager runs around installation and removal.</p>
<dl>
<dt>setup</dt><dd>This script typically writes the configuration of the package once it has been unpacked.</dd>
<dt>teardown</dt><dd>This script typically stops any services which belong to the package.</dd>
<dt>verify</dt><dd>This script typically checks the files of the package against their recorded checksums.</dd>
</dl>
<p>The scripts of installed packages are kept up to date by the package manager itself.</p>
<p>All of the scripts of installed packages are kept in the directory /var/lib/pkgtool/scripts.</p>
</body></html>"""

MANUAL_TEXT = """Sending output to a file

Commands can also be read from a file kept in the working directory. The function divert,
> divert("log.txt")
will send all later output from the console to the file log.txt. The
command
> divert()
restores it to the console once again.
"""


@pytest.fixture(scope="module")
def faq_service(embedder, tmp_path_factory):
    from rag.config import Settings
    from rag.load import load_bytes
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path_factory.mktemp("faq-index")), embedder=embedder)
    service.warm_up()
    service.ingest_documents([load_bytes(FAQ_PAGE.encode(), "faq.html"), load_bytes(MANUAL_TEXT.encode(), "manual.txt"),
                               load_bytes(CHANGES_PAGE.encode(), "changes.html"),
                               load_bytes(SCRIPTS_PAGE.encode(), "scripts.html")])
    yield service
    service.close()


def test_a_how_question_leads_with_the_command_its_lead_in_introduces(faq_service):
    answer = faq_service.ask("How can I find out which package owns a given file?")
    assert answer.text.startswith("pkgtool --owner foo — "), answer.text
    assert "run:" in answer.citations[0].text and answer.citations[0].text.endswith("pkgtool --owner foo")
    _exact(faq_service, answer)
    answer = faq_service.ask("How do I check which target the system boots into by default?")
    assert answer.text.startswith("bootctl show-default — "), answer.text
    _exact(faq_service, answer)


def test_a_question_in_the_document_never_answers_alone(faq_service):
    answer = faq_service.ask("How can I find out which package owns a file?")
    assert "?" not in answer.citations[0].text.rstrip()[-1:]
    assert "pkgtool --owner foo" in answer.text


def test_a_fragment_after_a_command_line_is_quoted_with_the_command(faq_service):
    answer = faq_service.ask("How do I send all output to a file instead of the console?")
    assert answer.text.startswith('divert("log.txt") — '), answer.text
    assert '> divert("log.txt")\nwill send all later output' in answer.citations[0].text
    _exact(faq_service, answer)


@pytest.mark.parametrize(("line", "command"), [
    ("dpkg --status package", "dpkg --status package"),
    ("- apt-file search foo", "apt-file search foo"),
    ('> sink("record.lis")', 'sink("record.lis")'),
    ("$ ls -l /tmp", "ls -l /tmp"),
    ("the tracepath(8) command can automate this (RFC1191)", None),  # prose in lower case
    ("of the data", None),
    ("restores it to the console once again.", None),
    ("Start a development server", None),
])
def test_command_lines(line, command):
    from rag.answer_phrases import command_line

    assert command_line(line) == command


def test_a_signature_glued_to_its_description_is_its_term():
    from rag.answer import _first_line_term

    text = "werkzeug.serving.run_simple(hostname, port, application, use_reloader=False)\nStart a development server."
    assert _first_line_term(text) == "werkzeug.serving.run_simple(hostname, port, application, use_reloader=False)"
    assert term_name(_first_line_term(text)) == "werkzeug.serving.run_simple"
    assert _first_line_term("a wrapped line of prose\nthat goes on.") is None


def test_a_why_question_quotes_the_reason_that_follows_the_change(faq_service):
    answer = faq_service.ask("Why was the default status code of the redirect helper changed from 301?")
    assert "This keeps the request method and body intact." in answer.citations[0].text, answer.text
    _exact(faq_service, answer)


def test_which_class_prefers_the_sentence_that_names_one(faq_service):
    answer = faq_service.ask("Which middleware class do I wrap my application in to get the debugging page?")
    assert "TracebackViewer" in answer.text.split(" — ")[0], answer.text
    _exact(faq_service, answer)


def test_since_with_a_version_is_a_time_not_a_reason():
    assert find_phrase("reason", "Since version 0.10, there are two backends.", "Why two backends?") is None
    assert find_phrase("reason", "It is slow since it polls every file.", "Why is it slow?") == "it polls every file"


def test_a_description_is_found_through_its_definition_term(faq_service):
    answer = faq_service.ask("What does a package's teardown script usually do?")
    assert "stops any services" in answer.citations[0].text, answer.text
    _exact(faq_service, answer)


def test_where_prefers_the_sentence_with_the_path(faq_service):
    answer = faq_service.ask("Where are the scripts of installed packages kept?")
    assert "/var/lib/pkgtool/scripts" in answer.citations[0].text, answer.text
    _exact(faq_service, answer)


def _penalty(question: str, passage_text: str, absent: list[str] = ()) -> float:
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from rag.records import Hit, Passage

    hit = Hit(Passage("d", 0, len(passage_text), passage_text, 0), 1.0, title="Minutes")
    return ExtractiveAnswerer(AnswerConfig(threshold=0.35)).question_penalty(question, absent, [hit])


def test_an_abbreviation_the_passages_spell_out_is_not_an_absent_name():
    text = "Many nations spoke for reform at the United Nations Millennium Summit."
    assert _penalty("At which UN summit did nations speak for reform?", text, ["un"]) == 0.0
    assert _penalty("At which WTO summit did nations speak for reform?", text, ["wto"]) > 0.0


def test_an_abbreviation_inside_a_name_of_several_words_is_spelled_out():
    text = "They met during the United Nations General Assembly in New York."
    assert _penalty("How long did they talk at the UN General Assembly?", text) == 0.0
    assert _penalty("How long did they talk at the UN Security Council?", text) > 0.0


def test_a_word_of_grammar_before_a_number_names_no_release():
    # "The" starts sentences mid-passage; "the 64" is still no release the corpus never names
    text = "The planner supports joins of at most 64 tables, as told in The Planner Guide."
    assert _penalty("Why can't the 64-table join limit be raised?", text) == 0.0


def test_a_name_without_its_middle_name_is_the_name_the_text_gives():
    text = "Kono met the Minister of Foreign Affairs of the Russian Federation Igor Sergeyevich Ivanov."
    assert _penalty("Who is Igor Ivanov?", text) == 0.0
    assert _penalty("Who is Igor Putin?", text) > 0.0  # each word occurs, but in no one name
    assert _penalty("Who is Ivanov Igor?", text) > 0.0  # nor in that order


def test_who_is_a_named_person_asks_what_they_are_not_for_a_name():
    assert expected_kind("Who is Igor Ivanov?") is None
    assert expected_kind("Who are Kono and Ivanov?") is None
    assert expected_kind("Who was the Russian military attache?") == "name"
    assert expected_kind("Who is the Prime Minister of Japan?") == "name"


def test_a_bodys_common_noun_left_of_the_asked_name_is_no_answer_to_who():
    text = "Kono regretted that a military attache of the Russian Embassy in Japan had acted improperly."
    assert find_phrase("name", text, "Who was the Russian military attache?") != "Embassy"


def test_where_a_sentence_naming_a_place_in_prose_answers_where():
    from tests.rag.answer_pages import hit_of

    question = "Where would the subcommittee convene?"
    placed = "The subcommittee would convene in Tokyo during mid-October."
    unplaced = "The subcommittee would convene after the summit."
    hit = hit_of(("", unplaced, 0.5), (" ", placed, 0.5))
    features = {c.sentence.text: c.features for c in
                ExtractiveAnswerer(AnswerConfig(threshold=0.3)).score_sentences(question, [hit])}
    assert features[placed].get("place") == 1.0 and "place" not in features[unplaced]


def test_a_follow_up_does_not_repeat_the_sentence_the_answer_it_follows_was_built_on():
    from tests.rag.answer_pages import hit_of

    request = "Ivanov repeated his request that Kono visit Russia."
    agreed = "It was agreed that the dates would be coordinated through diplomatic channels."
    page = hit_of(("", request, 0.6), (" ", agreed, 0.45))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    assert answerer.candidates("Was it settled?", [page])[0].sentence.text == request
    followed = answerer.candidates("Was it settled?", [page], asked_before="What did Ivanov request?",
                                   said_before=f"{request} [1]")
    assert followed[0].sentence.text == agreed
    # What the earlier answer joined after the sentence it was built on may be just what is asked now.
    joined = answerer.score_sentences("Was it settled?", [page], said_before=f"{request} {agreed}")
    assert {c.sentence.text: "said_before" in c.features for c in joined} == {request: True, agreed: False}


def test_a_follow_ups_earlier_question_counts_for_overlap_at_half_weight():
    from tests.rag.answer_pages import hit_of

    page = hit_of(("", "The subcommittee on border demarcation meets in Tokyo.", 0.5), (" ", "Tokyo is large.", 0.5))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    alone = {c.sentence.text[:3]: c.features["overlap"] for c in answerer.score_sentences("Where?", [page])}
    leaning = {c.sentence.text[:3]: c.features["overlap"] for c in answerer.score_sentences(
        "Where would it meet?", [page], asked_before="What subcommittee did Ivanov propose?")}
    assert alone == {"The": 0.0, "Tok": 0.0}
    assert leaning["The"] > leaning["Tok"]


def test_a_possessive_does_not_glue_two_names_into_one():
    text = "Werkzeug ships middleware. ProxyFix adjusts the WSGI environ from X-Forwarded headers."
    assert _penalty("What does Werkzeug's ProxyFix middleware do?", text) == 0.0
    assert _penalty("What does Werkzeug's Request Limiter do?", text) > 0.0  # a name the passages never hold


def test_a_rare_lower_case_word_the_corpus_lacks_counts_as_an_absent_name():
    text = "The firewall is configured with iptables rules that allow SSH on port 22."
    # "ufw" is no ordinary English word: a tool the corpus never names, though written in lower case.
    assert _penalty("How do I turn on the ufw firewall?", text, ["ufw"]) > 0.0
    # An ordinary word the corpus lacks is often a paraphrase ("enable" for "turn on"): no evidence alone.
    assert _penalty("How do I enable the firewall?", text, ["enable"]) == 0.0
    assert _penalty("How do I turn on the firewall properly?", text, ["properly"]) == 0.0


def test_rare_words_are_those_outside_the_embedders_vocabulary_and_its_affixed_forms():
    from rag.common_words import is_rare_word

    assert all(is_rare_word(w) for w in ("nginx", "certbot", "keras", "sourdough", "playbooks", "swappiness"))
    # In the vocabulary, or one of its words with a common prefix or suffix: ordinary.
    assert not any(is_rare_word(w) for w in ("registry", "network", "improperly", "sender", "unmute", "enabled", "queries"))
    assert not is_rare_word("ipv6")  # letters with digits are not judged
    # Another inflection of it is in the vocabulary ("postponed"): ordinary; a short word is not judged so.
    assert not any(is_rare_word(w) for w in ("postpones", "postpone", "configure", "truncate"))
    assert all(is_rare_word(w) for w in ("tapply", "grafana", "memcached"))


def test_a_thing_named_with_its_number_must_be_in_the_passages():
    text = "This manual is for R, version 4.2.2. Debian 12 is the current stable release."
    assert _penalty("When was R version 4.2.2 released?", text) == 0.0
    assert _penalty("When was R version 1.0.0 released?", text) > 0.0
    assert _penalty("Which character will Debian 14 be named after?", text) > 0.0
    assert _penalty("Which character is Debian 12 named after?", text) == 0.0


def test_a_release_named_in_lower_case_or_by_its_major_number_is_checked_as_written():
    text = "Templates are rendered by Jinja. pass_context: New in version 3.0.0: replaces contextfilter. " \
           "The current stable release is Debian 12."
    # In lower case, a word the passages write as a name mid-sentence, with a number, names a release too.
    assert _penalty("which character will debian 14 be named after?", text) > 0.0
    assert _penalty("which character is debian 12 named after?", text) == 0.0
    # A major release is the one the passages give as a version of a thing they name.
    assert _penalty("Which decorator replaces contextfilter in Jinja 3?", text) == 0.0
    assert _penalty("which decorator replaces contextfilter in jinja 3?", text) == 0.0
    assert _penalty("Which decorator replaces contextfilter in Jinja 4?", text) > 0.0
    assert _penalty("Which decorator replaces contextfilter in Flask 3?", text) > 0.0  # a release of another thing
    # A code of three digits or more is stated where the passages give it apart from the name ("| 23505 |").
    codes = "Errors with a SQLSTATE value attached.\n| 23505 | UniqueViolation |"
    assert _penalty("Which class is raised for SQLSTATE 23505?", codes) == 0.0
    assert _penalty("Which class is raised for SQLSTATE 42704?", codes) > 0.0


def test_a_wrapped_line_of_prose_is_not_a_term():
    from rag.answer import _first_line_term

    assert _first_line_term("Please address email correspondence to\nR-help@example.org.") is None
    assert _first_line_term("lru_cache\nDecorator to wrap a function.") == "lru_cache"


def test_a_sentence_that_refers_back_is_scored_with_what_it_refers_to():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from rag.records import Hit, Passage, ScoredSentence

    def score_of_second(first: str, second: str = "It has five arguments.") -> float:
        text = f"{first} {second}"
        sentences = [ScoredSentence(0, len(first), first, 0.5), ScoredSentence(len(first) + 1, len(text), second, 0.5)]
        hit = Hit(Passage("d", 0, len(text), text, 0), 1.0, sentences=sentences)
        scored = ExtractiveAnswerer(AnswerConfig(threshold=0.35)).score_sentences("How many arguments does span() take?",
                                                                                  [hit])
        return next(c.score for c in scored if c.sentence.text == second)

    # "It" stands for what the sentence before names: span() there counts for "It has five arguments".
    assert score_of_second("The function span() builds sequences.") > score_of_second("The function builds sequences.")


def test_a_count_of_something_else_does_not_answer_how_many():
    text = "More than 1000 volunteers maintain over 59100 packages."
    assert find_phrase("number", text, "How many packages are there?") == "over 59100"
    assert find_phrase("number", text, "How many votes were cast in the election?") is None


def test_an_admonition_label_or_a_table_border_is_not_a_term():
    from rag.answer import _first_line_term

    assert _first_line_term("Note\nFor detailed documentation, install the -doc package.") is None
    assert _first_line_term("| Tip\nCode examples give you good ideas.") is None


def test_a_chain_of_sentences_leaning_back_is_quoted_from_the_one_that_names_the_thing():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from rag.records import Hit, Passage, ScoredSentence

    parts = ["The environment variable PAGER_PIN sets the pin.", "This can be set to a number.",
             "This variable can also be set to the value off to disable the pin check entirely."]
    text = " ".join(parts)
    sentences, offset = [], 0
    for part, similarity in zip(parts, (0.3, 0.4, 0.8), strict=True):
        sentences.append(ScoredSentence(offset, offset + len(part), part, similarity))
        offset += len(part) + 1
    hit = Hit(Passage("d", 0, len(text), text, 0), 1.0, sentences=sentences)
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("How do I switch off the pin check?", [hit])
    assert answer.citations[0].text == text  # from the sentence naming PAGER_PIN to the one that answers


def test_what_does_x_do_prefers_the_entry_defining_x_over_an_example_using_it():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from rag.records import Hit, Passage, ScoredSentence

    example = "from toolkit.middleware import HeaderFix\n# The app sits behind one proxy that sets headers."
    entry = "class toolkit.middleware.HeaderFix(app, x_for=1)\nAdjust the environ from headers that proxies set."
    text = f"{example}\n\n{entry}"
    sentences = [ScoredSentence(0, len(example), example, 0.75),
                 ScoredSentence(len(example) + 2, len(text), entry, 0.65)]
    hit = Hit(Passage("d", 0, len(text), text, 0), 1.0, sentences=sentences)
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What does the HeaderFix middleware do?", [hit])
    assert answer.citations[0].text == entry, answer.text


def test_who_did_it_is_answered_by_the_doer_a_passive_names():
    text = ("Kono thanked President Putin for the kind offer of support. The offer of support has already been "
            "respectfully declined by the Japanese side.")
    assert find_phrase("name", text, "Who declined the offer of support?") == "the Japanese side"
    # Another verb's doer does not answer.
    assert find_phrase("name", "The offer was made by President Putin.", "Who declined the offer?") != "President Putin"
    hit = Hit(Passage("d", 0, 60, "The value is provided by the operating\nsystem, not by the user.", 0), 1.0,
              sentences=[ScoredSentence(0, 60, "The value is provided by the operating\nsystem, not by the user.", 0.6)])
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("Who provides the value?", [hit])
    assert answer.text.startswith("the operating system — "), answer.text  # the lead's line break is layout


def test_what_caused_asks_for_a_reason():
    assert expected_kind("What caused the flooding in the Tokai region?") == "reason"
    assert expected_kind("What was the cause of the flooding?") == "reason"
    text = "Kono thanked Putin for his offer after the flooding that had occurred due to heavy rains in Tokai."
    assert find_phrase("reason", text, "What caused the flooding?") == "heavy rains in Tokai"


def test_where_in_prose_leads_with_the_place_named_after_in_or_at():
    assert expected_kind("Where would the subcommittee meet?") == "place"
    assert expected_kind("Where is the hosts file?") == "how"  # a file's place: a path, as a command is found
    text = "He proposed to convene a subcommittee in Tokyo during mid-October."
    assert find_phrase("place", text, "Where would the subcommittee meet?") == "Tokyo"
    text = "The flooding had occurred due to heavy rains in the Tokai region of Japan."
    assert find_phrase("place", text, "Where did the flooding occur?") == "the Tokai region of Japan"
    assert find_phrase("place", "They meet in October.", "Where do they meet?") is None  # a month is no place


def test_a_latin_abbreviation_is_no_term_and_a_sentence_two_entries_share_is_quoted_once():
    text = '1. Make desktop user, e.g. foo, belong to group "netdev" by the following'
    assert find_phrase("term", text, "Which group should a desktop user be added to?") == "netdev"
    same = "After the execution of the function the rowcount property will not contain a total result."
    first = Hit(Passage("a", 0, len(same), same, 0), 1.0, sentences=[ScoredSentence(0, len(same), same, 0.6)])
    second = Hit(Passage("b", 0, len(same), same, 0), 1.0, sentences=[ScoredSentence(0, len(same), same, 0.6)])
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What does rowcount contain?", [first, second])
    assert len(answer.citations) == 1, answer.text


def test_which_kind_of_thing_leads_with_the_name_the_text_gives_one():
    from rag.answer_phrases import named_thing

    text = "The `InterfaceConstructor` instance is finished once the `'close'` event is emitted."
    question = "Which event is emitted when a readline interface is closed?"
    assert named_thing(text, frozenset({"event"}), question) == "close"  # "closed" in the question is a verb
    assert named_thing("The Path type returns the filename.", frozenset({"type"}), "Which type gives a filename?") \
        == "Path"
    assert named_thing("The message to print.", frozenset({"messag"}), "Which message is shown?") is None
    # a hyphenated name: "the Upstream-Contact field"
    assert named_thing("For example, the Upstream-Contact field contains a list of contact addresses.",
                       frozenset({"field"}), "Which field lists the upstream contact addresses?") == "Upstream-Contact"
    # a proper name that ends in the kind asked for; not one made of the question's own words
    agreed = "Kono added that the most important issue was how to realize the Krasnoyarsk Agreement."
    assert named_thing(agreed, frozenset({"agreement"}), "Which agreement did Kono want realized?") == \
        "Krasnoyarsk Agreement"
    assert named_thing(agreed, frozenset({"agreement"}), "Which agreement besides Krasnoyarsk was named?") is None
    # the name a thing of the asked kind is given ("a command named MAKEDEV"), not a later one
    made = "/dev must contain a command named MAKEDEV, which can create devices. It may also contain a MAKEDEV.local."
    assert named_thing(made, frozenset({"command"}), "Which command must /dev contain?") == "MAKEDEV"
    # an acronym inside the name and the number before it are part of it
    summit = "A summit could take place at the 8th Informal APEC Economic Leaders' Meeting in Brunei Darussalam."
    assert named_thing(summit, frozenset({"meet"}), "Which APEC meeting was mentioned?") == \
        "8th Informal APEC Economic Leaders' Meeting"
    hit = Hit(Passage("d", 0, len(text), text, 0), 1.0, sentences=[ScoredSentence(0, len(text), text, 0.7)])
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(question, [hit])
    assert answer.text.startswith("close — "), answer.text


def test_a_section_number_a_quoted_title_and_a_sentences_full_stop_are_no_answer():
    text = "These packages use an archive format (see Section 7.2, “What is the format of a binary package?”)."
    assert find_phrase("number", text, "How many packages does Debian contain?") is None
    assert find_phrase("number", "It holds 59100 packages (Table 3).", "How many packages does it hold?") == "59100"
    assert find_phrase("term", text, "Which format do packages use?") != "What is the format of a binary package?"
    text = "It can only install archives from a source specified in /etc/apt/sources.list."
    assert find_phrase("term", text, "Which file lists the sources?") == "/etc/apt/sources.list"


def test_who_did_it_is_the_name_before_the_verb_and_a_place_is_no_person():
    text = "(At the start, Foreign Minister Kono expressed his gratitude for the kind offer from President Putin.)"
    assert find_phrase("name", text, "Who expressed gratitude for the offer?") == "Kono"
    text = "A summit could take place in Brunei Darussalam, Foreign Minister Ivanov suggested."
    assert find_phrase("name", text, "Who suggested the summit?") == "Ivanov"
    assert find_phrase("name", "The summit is in Brunei Darussalam.", "Who hosts the summit?") is None


def test_a_number_in_words_is_read_whole():
    text = "Of the countries which made speeches, over half, or approximately one hundred nations, called for reform."
    assert find_phrase("number", text, "How many nations called for reform?") == "approximately one hundred"
    assert find_phrase("number", "It holds twenty-five pots.", "How many pots does it hold?") == "twenty-five"
    assert find_phrase("number", "It sold 1.5 million tiles.", "How many tiles did it sell?") == "1.5 million"


def test_the_number_of_a_list_item_or_section_is_not_a_count():
    text = "3. Leaks of secret documents\n\n  1. Statements by the minister: he regretted the incident."
    assert find_phrase("number", text, "How many secret documents were leaked?") is None
    assert find_phrase("number", "He leaked 12 secret documents.", "How many secret documents were leaked?") == "12"


def test_reason_cues_beyond_because():
    question = "Why does a release get a codename?"
    text = "The purpose of these codenames is to make mirroring easier."
    assert find_phrase("reason", text, question) == "make mirroring easier"
    assert find_phrase("reason", "Install it there to avoid collisions.", "Why there?") == "collisions"
    # "The reason <clause> is that ...": the reason is what follows, whatever the clause says.
    assert find_phrase("reason", "The reason it is not based on argparse is that argparse cannot nest commands.",
                       "Why is it not based on argparse?") == "argparse cannot nest commands"
    # What a step is for, said of it after the step.
    assert find_phrase("reason", "Close the device. This ensures that the file is complete.",
                       "Why close the device?") == "the file is complete"
    assert find_phrase("reason", "Listeners run in order, which avoids race conditions.",
                       "Why do listeners run in order?") == "race conditions"


def test_a_sentence_whose_point_is_the_reason_explains():
    from rag.answer_phrases import explains

    for text in ("The reason it is not based on argparse is that argparse cannot nest commands.",
                 "The purpose of these codenames is to make mirroring easier.",
                 "This limitation exists because a block tag works in both directions.",
                 "This ensures that the device finishes cleanly."):
        assert explains(text), text
    # A reason in passing is a reason (the `reason` feature), not an explanation.
    for text in ("Due to syntactical ambiguities on the command line, there is no way to implement it.",
                 "The reason field holds the server's message.", "It is slow because it calls os.stat()."):
        assert not explains(text), text


def test_a_why_question_prefers_the_sentence_that_states_the_reason():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "Due to syntactical ambiguities on the command line, there is no way to nest options freely.", 0.76),
                 (" ", "The reason it is not based on argparse is that argparse does not allow nesting commands.", 0.64))
    best = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).candidates("Why isn't Click built on argparse?", [hit])[0]
    assert best.sentence.text.startswith("The reason"), best.features


def test_what_a_thing_is_there_for_is_a_reason():
    text = ("It is exported primarily to allow\napplication code to provide a replacement percent-encoding "
            "implementation if\nnecessary by assigning querystring.escape to an alternative function.")
    # (the long purpose leads up to its condition, across the line break; the dot inside querystring.escape ends no
    # clause)
    assert " ".join(find_phrase("reason", text, "Why is querystring.escape() exported?").split()) == \
        "allow application code to provide a replacement percent-encoding implementation"
    assert find_phrase("reason", "It is slow because it calls os.stat() for every file.", "Why is it slow?") == \
        "it calls os.stat() for every file"
    assert find_phrase("reason", "It is exported to other modules.", "Why is it exported?") is None


def test_how_in_an_apis_prose_is_the_setting_or_call_it_names():
    question = "How can I get a group's callback to run when no subcommand is given?"
    assert find_phrase("how", "This can be changed by passing invoke_without_command=True to a group.", question) == \
        "invoke_without_command=True"
    assert find_phrase("how", "The session is recovered with rollback().", "How do I recover the session?") == \
        "rollback()"
    # (a query string in an address sets nothing)
    assert find_phrase("how", "See https://cran.r-project.org/package=boot for it.", "How do I load boot?") is None


def test_a_long_reason_leads_with_its_first_clause():
    text = ("The reason it’s not based on argparse is that argparse does not allow proper nesting of commands by design "
            "and has some deficiencies when it comes to POSIX compliant argument handling.")
    assert find_phrase("reason", text, "Why isn't Click built on argparse?") == \
        "argparse does not allow proper nesting of commands by design"


def test_a_sentence_under_its_sections_heading_is_quoted_without_the_heading():
    # "The office kettle ..." names the section's subject; it does not lean on "# Kettle care" as on a sentence before.
    heading, sentence, after = "# Kettle care", "The office kettle must be descaled every 14 days.", "It takes 20 minutes."
    text = f"{heading}\n\n{sentence} {after}"
    spans = [(0, len(heading)), (len(heading) + 2, len(heading) + 2 + len(sentence)), (text.index(after), len(text))]
    scored = [ScoredSentence(s, e, text[s:e], sim) for (s, e), sim in zip(spans, (0.55, 0.78, 0.64), strict=True)]
    hit = Hit(Passage("kettle", 0, len(text), text, 0, context="Kettle care"), 1.0, title="Kettle care", sentences=scored)
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("How often must the office kettle be descaled?", [hit])
    assert answer.citations[0].text == sentence


def _kettle(days: str, cut: bool = False) -> Hit:
    """A passage at the same place of the same document, its text (or only its sentence spans) changed."""
    first, second = "The office kettle must be descaled.", f"Descale it every {days} days with citric acid."
    text = f"{first} {second}"
    spans = [(0, len(text))] if cut else [(0, len(first)), (len(first) + 1, len(text))]
    sentences = [ScoredSentence(s, e, text[s:e], sim) for (s, e), sim in zip(spans, (0.5, 0.8), strict=False)]
    return Hit(Passage("kettle", 0, len(text), text, 0, context="Kettle care"), 1.0, title="Kettle care",
               sentences=sentences)


def test_a_remembered_passage_reading_is_never_served_for_a_changed_passage():
    question = "How often must the office kettle be descaled?"
    remembering = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    for hit in (_kettle("14"), _kettle("30"), _kettle("30", cut=True), _kettle("14")):
        fresh = ExtractiveAnswerer(AnswerConfig(threshold=0.0, remembered_passages=0)).answer(question, [hit])
        again = remembering.answer(question, [hit])
        assert (again.text, again.confidence) == (fresh.text, fresh.confidence)
    assert "every 14 days" in again.text


def test_answers_given_side_by_side_with_a_small_memory_are_those_given_one_at_a_time():
    from concurrent.futures import ThreadPoolExecutor

    questions = ["How often must the office kettle be descaled?", "What must be descaled?", "What is citric acid for?"]
    jobs = [(q, _kettle(days, cut)) for q in questions for days in ("14", "30", "7") for cut in (False, True)] * 5

    def shown(answerer: ExtractiveAnswerer, job: tuple[str, Hit]) -> tuple[str, float]:
        answer = answerer.answer(job[0], [job[1]])
        return answer.text, answer.confidence

    alone = [shown(ExtractiveAnswerer(AnswerConfig(threshold=0.0, remembered_passages=0)), job) for job in jobs]
    shared = ExtractiveAnswerer(AnswerConfig(threshold=0.0, remembered_passages=3))  # evicts all the time
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda job: shown(shared, job), jobs)) == alone


def test_who_did_it_when_the_text_names_no_one_is_the_verbs_subject():
    text = ("Kono stated his deep regret that the investigating authorities in Japan had established that a military "
            "attache of the Russian Embassy in Japan had acted in an inappropriate manner.")
    assert find_phrase("name", text, "Who acted inappropriately?") == "a military attache of the Russian Embassy in Japan"
    assert find_phrase("name", text, "Who established that the attache acted improperly?") == \
        "the investigating authorities in Japan"
    # A named subject is still the answer ("Kono stated ..."), and a place before the verb is none ("in Japan had").
    assert find_phrase("name", text, "Who stated his regret?") == "Kono"


def test_who_is_a_name_typed_in_lower_case_asks_what_they_are_when_the_passages_write_it_as_a_name():
    from rag.answer import _question_kind
    from tests.rag.answer_pages import hit_of

    page = hit_of(("", "Kono met the Russian Minister of Foreign Affairs Igor Ivanov.", 0.5))
    assert _question_kind("who is ivanov", [page]) is None
    assert _question_kind("who is Ivanov?", [page]) is None
    assert _question_kind("who is responsible", [page]) == "name"  # an ordinary word the passages do not capitalise
    assert _question_kind("who is the minister", [page]) == "name"


def test_the_date_of_the_document_is_the_line_under_its_title(seed_service):
    for question in ("Give me the date of the document", "What is the date of this outline?"):
        assert expected_kind(question) == "day"
        answer = seed_service.ask(question)
        assert answer.text.startswith("15 September 2000"), (question, answer.text)
        _exact(seed_service, answer)


def test_a_numbered_heading_answers_with_what_it_heads():
    from tests.rag.answer_pages import hit_of

    heading = "3. Leaks of secret documents by a defense official"
    statement = "1. Statements by Kono: Kono regretted that an attache had acted improperly."
    page = hit_of(("", heading, 0.6), ("\n\n", statement, 0.3))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What happened with the leaked documents?", [page])
    assert answer.citations[0].text == f"{heading}\n\n{statement}"


def test_a_numbered_list_item_is_not_a_heading_of_the_next_item():
    from tests.rag.answer_pages import hit_of

    first, second = "3. Install the kiln driver", "4. Configure the kiln driver"
    page = hit_of(("", first, 0.6), ("\n", second, 0.3))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What is the third step with the kiln driver?", [page])
    assert answer.citations[0].text == first


def test_a_code_name_typed_in_lower_case_is_the_name_asked_about():
    from rag.answer import _code_names_typed_lower
    from tests.rag.answer_pages import hit_of

    page = hit_of(("", "class werkzeug.middleware.proxy_fix.ProxyFix(app, x_for=1) Adjust the WSGI environ.", 0.5),
                  ("\n", "The proxy fix middleware trusts a header.", 0.5))
    assert _code_names_typed_lower("what does proxyfix do", [page]) == {"proxyfix"}
    # An ordinary word, and a rare word the passages never write as a code name, name no entry.
    assert _code_names_typed_lower("what does the middleware do", [page]) == set()
    assert _code_names_typed_lower("what does gunicorn do", [page]) == set()


@pytest.mark.parametrize(("rule", "blind", "question", "matching", "other"), [
    # a word the sentence says in other words (rag/paraphrases.py)
    ("paraphrase_stems", lambda stem: frozenset(), "What did the committee ask the council to do?",
     "The committee renewed its request that the council publish the report.",
     "The committee met the council in March."),
    # a stopword the question names as code (rag/code_keywords.py)
    ("code_keywords", lambda question: frozenset(), "What does the with statement do?",
     "The `with` statement wraps the execution of a block in a context manager.",
     "The assert statement checks a condition and raises an error."),
])
def test_the_sentence_holding_what_the_question_names_overlaps_more_and_not_without_the_rule(
        monkeypatch, rule, blind, question, matching, other):
    from rag import answer as answer_module
    from tests.rag.answer_pages import overlaps

    found = overlaps(question, other, matching)
    assert found[matching] > found[other]
    monkeypatch.setattr(answer_module, rule, blind)
    without = overlaps(question, other, matching)
    assert without[matching] == without[other]


def test_an_idiom_of_time_names_no_topic():
    from tests.rag.answer_pages import overlaps

    question = "What did the committee ask the council, not for the first time?"
    matching = "The committee repeated its request that the council publish the report."
    other = "The committee met the council at 10:50 Eastern Standard Time."
    found = overlaps(question, other, matching)
    assert found[matching] > found[other]  # "time" of "not for the first time" is no word to match
    assert overlaps("What time did the committee meet the council?", other, matching)[other] > found[other]


def test_a_version_question_leads_with_a_release_or_with_nothing():
    question = "Since which Click release can a group run several subcommands in one invocation?"
    text = "Another note: the Context.invoked_subcommand attribute is of little use when several commands run."
    assert find_phrase("term", text, question) is None  # a name beside it is no release
    assert find_phrase("term", "Starting with Click 3.0 a group can run several subcommands.", question) == "Click 3.0"


def test_a_quantity_asked_leads_with_a_number_not_a_name():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", 'For archives without "NotAutomatic: yes", the default Pin-Priority value is 500.', 0.7))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "What Pin-Priority does an ordinary archive get?", [hit])
    assert answer.short_answer == "500" and answer.text.startswith("500 — "), answer.text


def test_a_dot_file_is_a_term_with_its_dot():
    text = "The objects are written to a file called .RData in the current directory."
    assert find_phrase("term", text, "Which file does R save the workspace to?") == ".RData"
    assert find_phrase("term", "This function (as well as .Last() which runs at the end) is defined in a profile.",
                       "Which function runs at the end of the session?") == ".Last()"


def test_a_count_is_the_number_right_before_the_counted_noun():
    text = "Debian comes with more than 59100 packages and runs on 9 architectures."
    assert find_phrase("number", text, "On how many architectures does Debian run?") == "9"
    assert find_phrase("number", text, "How many packages does Debian come with?") == "59100"


def test_a_version_asked_after_what_is_the_is_a_version_question():
    from rag.answer_phrases import asks_version

    question = "What is the oldest Bash version that shell completion works with?"
    assert asks_version(question) and asks_version("Since which Click release is chaining possible?")
    assert not asks_version("What does the version option print?")
    text = "Click provides tab completion support for Bash (version 4.4 and up), Zsh, and Fish."
    assert find_phrase("term", text, question) == "version 4.4"


def test_a_version_question_with_no_release_in_sight_is_less_confident():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "Different projects may need different versions of Python itself.", 0.7))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    asked = answerer.answer("What is the minimum Python version that the tool supports?", [hit])
    plain = answerer.answer("What does the tool need from Python?", [hit])
    assert asked.short_answer is None
    assert asked.confidence < plain.confidence - 0.1


@pytest.mark.parametrize(("text", "question", "path"), [
    ("Currently all of the control files can be found in the directory /var/lib/dpkg/info. The files of package foo "
     'begin with the name "foo".', "Where are the control files of installed packages kept?", "/var/lib/dpkg/info"),
    ("A menu entry can be created by adding a *.desktop file in the $HOME/.local/share/applications/ directory.",
     "Where do I put a .desktop file to add a menu entry?", "$HOME/.local/share/applications/"),
    ("The default path is `~/.node_repl_history`, which is overridden by this variable.",
     "Where is the REPL history stored by default?", "~/.node_repl_history"),
])
def test_where_a_file_is_kept_leads_with_its_path(text, question, path):
    assert expected_kind(question) == "how"
    assert find_phrase("how", text, question) == path


def test_a_possessive_opens_no_quote_and_the_named_package_answers_which_package():
    from rag.answer_phrases import named_thing
    from rag.terms import content_stems

    text = '- The ttf-mscorefonts-installer package downloads Microsoft\'s "Core fonts for the Web" and installs Arial.'
    assert named_thing(text, content_stems("package"), "Which package fetches Microsoft fonts?") == \
        "ttf-mscorefonts-installer"
    # "Microsoft's" holds no quoted "s": the quoted name is the whole title
    assert find_phrase("term", "It downloads Microsoft's fonts.", "Which fonts does it download?") != "s"
    assert named_thing("Installing the libpam-cracklib package enables stricter rules.", content_stems("package"),
                       "Which package can I install?") == "libpam-cracklib"


@pytest.mark.parametrize(("text", "question", "release"), [
    ("Support for the m68k architecture was dropped in the Etch (Debian 4.0) release.",
     "In which release was support for m68k dropped?", "Etch (Debian 4.0)"),
    ("Starting with Debian Jessie, some apt-get commands have an equivalent in apt.",
     "Since which Debian release can apt-get commands be run through apt?", "Debian Jessie"),
    ("The new features of the 1991 release of S are covered in Statistical Models in S.",
     "The features of which release of S are covered in that book?", "1991"),
])
def test_a_release_named_by_its_codename_or_year_answers_which_release(text, question, release):
    assert find_phrase("term", text, question) == release


def test_a_product_and_a_capitalised_word_after_it_is_no_release_unless_the_question_names_the_product():
    assert find_phrase("term", "It was part of the Debian Project until 2001.", "In which Debian release was it added?") \
        is None
    assert find_phrase("term", "It moved in Click Group semantics.", "In which Debian release was it added?") is None


def test_a_key_combination_leads_whole_and_a_cross_references_title_never_leads():
    text = "You can still get to the text login prompt by Ctrl-Alt-F3, and return to the GUI via Ctrl-Alt-F2."
    assert find_phrase("term", text, "What keys take me to a text-mode login prompt?") == "Ctrl-Alt-F3"
    text = "Binary data is encoded with MIME (see Table 11.2, “List of encoding values and their usage”)."
    assert find_phrase("term", text, "What is the standard storage format for mail?") is None
    # a quoted name elsewhere still leads
    assert find_phrase("term", 'Mail is stored in the "mbox" format.', "What is the standard storage format for mail?") \
        == "mbox"


def test_which_file_is_answered_by_a_path_before_a_quoted_line_of_it():
    text = '1. The "/etc/nsswitch.conf" file with stanza like "hosts: files dns" dictates the hostname resolution order.'
    assert find_phrase("term", text, "Which file determines the order in which hostname lookups are tried?") == \
        "/etc/nsswitch.conf"


def test_a_line_that_opens_a_block_of_code_is_no_lead_in_to_the_line_below():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "def info(shout):", 0.6), ("\n    ", "rv = sys.platform", 0.4), ("\n    ", "if shout:", 0.6),
                 ("\n        ", "rv = rv.upper() + '!!!!111'", 0.4),
                 ("\n\n", "To show the platform, run:", 0.5), ("\n\n", "$ info --shout", 0.4))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    leads = {c.sentence.text for c in answerer.score_sentences("How do I shout the platform?", [hit])
             if c.features.get("command_lead")}
    assert leads == {"To show the platform, run:"}


def test_a_value_in_a_sentence_with_none_of_the_questions_words_is_another_things_when_others_hold_them():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "Foreign Minister Ivanov noted that the Russian side had been satisfied with President Putin's "
                      "visit to Japan.", 0.66),
                 (" ", "He also expressed the desire to convene a subcommittee on border demarcation in Tokyo during "
                       "mid-October.", 0.55))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.3))
    # the visit is praised, undated: mid-October is when the subcommittee is to meet
    assert answerer.answer("When did Putin visit Japan?", [hit]).abstained
    answer = answerer.answer("When should the border demarcation subcommittee convene?", [hit])
    assert answer.short_answer == "mid-October", answer.text


def test_a_specifications_label_is_no_definition_term():
    from rag.answer import _looks_like_term

    assert not _looks_like_term("Rationale") and not _looks_like_term("Purpose")
    assert _looks_like_term("ld.so.conf") and _looks_like_term("Shareable files")


def test_the_publication_date_of_a_document_asks_for_a_day():
    assert expected_kind("What is the publication date of this standard?") == "day"
    assert expected_kind("What is the release date of Debian 12?") == "day"


def test_an_alternative_the_text_turns_down_and_words_joined_by_a_slash_lead_nothing():
    text = ("To find a user's home directory, use a library function such as getpwent rather than relying on "
            "/etc/passwd because user information may be stored remotely.")
    assert find_phrase("how", text, "How should a program find a user's home directory?") is None
    assert find_phrase("how", "The file lives in /etc/passwd on most systems.", "How do I find users?") == "/etc/passwd"
    text = "The contents of the root filesystem must be adequate to boot, recover, and/or repair the system."
    assert find_phrase("term", text, "What is the root filesystem for?") is None


def test_a_row_of_the_same_data_above_a_row_is_not_its_tables_header():
    from rag.answer import _table_header
    from tests.rag.answer_pages import hit_of

    rows = hit_of(("", "dd | Utility to convert and copy a file", 0.3), ("\n", "kill | Utility to send signals", 0.6))
    assert _table_header(rows.sentences, 1, rows.between) is None
    table = hit_of(("", "group | description for accessible files and devices", 0.3),
                   ("\n", "dialout | full and direct access to serial ports", 0.6))
    assert _table_header(table.sentences, 1, table.between) == ["group", "description for accessible files and devices"]
    # an API summary table has no column names: its first row is a function's
    summary = hit_of(("", "count(seq) | Count the number of items in seq", 0.3),
                     ("\n", "drop(n, seq) | The sequence following the first n elements", 0.6))
    assert _table_header(summary.sentences, 1, summary.between) is None
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer(
        "Which function drops the first n elements of a sequence?", [summary])
    assert "count(seq)" not in answer.text, answer.text
    assert answer.short_answer == "drop", answer.text  # the name, not "drop(n, seq)"


def test_a_table_row_named_by_the_question_answers_what_it_is():
    from tests.rag.answer_pages import hit_of

    table = hit_of(("", "File | Description", 0.3), ("\n", "motd | Post-login message of the day file", 0.4),
                   ("\n", "mtab | Dynamic information about filesystems", 0.55))
    prose = hit_of(("", "mtab does not fit the static nature of /etc: it is excepted for historical reasons.", 0.61),
                   doc="prose")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    answer = answerer.answer("What does /etc/mtab contain?", [prose, table])
    assert "Dynamic information about filesystems" in answer.citations[0].text, answer.text
    # asked which thing, a row the question names is its context, not its answer
    scored = answerer.score_sentences("Which file in /etc replaced mtab?", [table])
    assert not any(c.features.get("names_row") for c in scored)


def test_a_numbered_headings_words_are_the_heading_not_a_term_glued_to_the_sentence_below():
    from rag.records import Hit, Passage, ScoredSentence

    text = "3.5.2.\nSpecific Options\nThe operating system kernel must be located in either / or /boot."
    spans = [(0, 6), (7, 23), (24, len(text))]
    sentences = [ScoredSentence(s, e, text[s:e], sim) for (s, e), sim in zip(spans, (0.1, 0.3, 0.7), strict=True)]
    hit = Hit(Passage("fhs", 0, len(text), text, 3, "The Root Filesystem > 3.5.2. Specific Options"), 1.0,
              sentences=sentences)
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("Where must the kernel be located?", [hit])
    assert answer.citations[0].text.startswith("The operating system kernel"), answer.text
    assert answer.short_answer != "Specific Options"


def test_a_sentence_holding_every_word_of_the_question_wins_over_a_closer_vector():
    from tests.rag.answer_pages import hit_of

    getter = hit_of(("", "get_parameter_source(name)", 0.4), ("\n", "Get the source of a parameter.", 0.6), doc="get")
    setter = hit_of(("", "set_parameter_source(name, source)", 0.35), ("\n", "Set the source of a parameter.", 0.46),
                    doc="set")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    answer = answerer.answer("Which function sets the source of a parameter?", [getter, setter])
    assert answer.short_answer == "set_parameter_source", answer.text
    assert "Set the source of a parameter." in answer.citations[0].text
    scored = {c.sentence.text: c.features for c in answerer.score_sentences(
        "Which function sets the source of a parameter?", [getter, setter])}
    assert scored["Set the source of a parameter."].get("covers_question") == 1.0
    assert "covers_question" not in scored["Get the source of a parameter."]
    # asked where, a sentence without the place asked for does not cover the question, however many words it holds
    media = hit_of(("", "Removable media are mounted by the desktop when inserted.", 0.5),
                   ("\n", "Mount points for removable media are under /media.", 0.45))
    features = {c.sentence.text: c.features for c in answerer.score_sentences(
        "Where are removable media mounted?", [media])}
    assert "covers_question" not in features["Removable media are mounted by the desktop when inserted."]


def test_a_description_without_a_full_stop_under_a_signature_is_no_heading():
    from tests.rag.answer_pages import hit_of

    entry = hit_of(("", "toolz.itertoolz.last(seq)", 0.5), ("\n", "The last element in a sequence", 0.69),
                   ("\n\n", "toolz.itertoolz.peek(seq)", 0.5),
                   ("\n", "Returns the first element and an iterable equivalent to the original sequence.", 0.6))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    features = {c.sentence.text: c.features for c in answerer.score_sentences(
        "Which function returns the last element of a sequence?", [entry])}
    assert "heading" not in features["The last element in a sequence"]
    assert features["toolz.itertoolz.last(seq)"].get("heading") == 1.0  # the signature itself stays a term
    answer = answerer.answer("Which function returns the last element of a sequence?", [entry])
    assert answer.short_answer == "toolz.itertoolz.last", answer.text


def test_a_plain_word_asked_about_is_a_code_name_where_the_passages_call_it():
    from rag.answer import _code_names_typed_lower
    from tests.rag.answer_pages import hit_of

    api = hit_of(("", "toolz.dicttoolz.valmap(func, d)", 0.3), ("\n", "Apply function to values of dictionary.", 0.2))
    assert _code_names_typed_lower("What does valmap do?", [api]) == {"valmap"}
    assert _code_names_typed_lower("What does the valmap function return?", [api]) == {"valmap"}
    prose = hit_of(("", "The meeting was held in Tokyo.", 0.5))
    assert _code_names_typed_lower("What does the meeting do?", [prose]) == set()
    assert _code_names_typed_lower("What does pipe do?", [prose]) == set()  # never written as code here


def test_asked_what_a_name_does_a_version_note_naming_it_is_no_answer():
    from tests.rag.answer_pages import hit_of

    page = hit_of(("", "New in version 18.2.0: kw_only", 0.6),
                  ("\n\n", "- kw_only – Make this attribute keyword-only in the generated __init__.", 0.57))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    features = {c.sentence.text: c.features for c in answerer.score_sentences("What does kw_only do?", [page])}
    assert features["New in version 18.2.0: kw_only"].get("version_note") == 1.0
    answer = answerer.answer("What does kw_only do?", [page])
    assert "keyword-only" in answer.citations[0].text, answer.text
    # asked when it came, the note is the answer
    assert not answerer.score_sentences("When was kw_only added?", [page])[0].features.get("version_note")


def test_asked_just_what_an_entry_returns_its_summary_that_tells_it_answers():
    from tests.rag.answer_pages import hit_of

    entry = hit_of(("", "toolz.itertoolz.first(seq)", 0.43), ("\n", "The first element in a sequence", 0.17), doc="api")
    history = hit_of(("", "A completion of this set of functions was first attempted in the projects itertoolz.", 0.47),
                     doc="history")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    answer = answerer.answer("What does toolz.itertoolz.first return?", [history, entry])
    assert answer.citations[0].doc_id == "api", answer.text
    # a condition asked is not what the summary tells
    features = {c.sentence.text: c.features for c in answerer.score_sentences(
        "If the sequence is empty, what does toolz.itertoolz.first return?", [history, entry])}
    assert "summary" not in features["The first element in a sequence"]


def test_which_field_is_named_by_the_heading_of_its_section_in_a_part_of_fields():
    from rag.records import Hit, Passage, ScoredSentence

    def section(context: str, text: str) -> Hit:
        passage = Passage("spec", 0, len(text), text, 3, context=context)
        return Hit(passage, 0.9, title="Spec", sentences=[ScoredSentence(0, len(text), text, 0.7)])

    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    field = section("Spec > 6. Fields > 6.8. Copyright",
                    "Formatted text, no synopsis: one or more free-form copyright statements.")
    answer = answerer.answer("Which field is a formatted text with one or more copyright notices?", [field])
    assert answer.short_answer == "Copyright", answer.text
    # a section of a part that is not about the kind asked names nothing
    syntax = section("Spec > 4. File syntax > 4.4. Formatted text",
                     "Formatted text fields use the same rules as the long description of a package.")
    assert answerer.answer("Which field uses the rules of a package's long description?", [syntax]).short_answer is None
    # nor does a section the question names as its subject
    tool = section("Guide > 12. Build tools > 12.3. Meson", "Meson is a build system which uses Ninja as its backend.")
    assert answerer.answer("Which tool does Meson use as its backend?", [tool]).short_answer != "Meson"


def test_a_date_with_an_ordinal_day_is_one_date():
    assert find_phrase("date", "Ian Murdock passed away on 28th December 2015 at his home.",
                       "When did Ian Murdock pass away?") == "28th December 2015"
    assert find_phrase("date", "Debian 1.1 Buzz (June 17th, 1996): the first release with a code name.",
                       "When was Buzz released?") == "June 17th, 1996"


def test_a_date_a_preposition_joins_to_the_clause_before_it_dates_that_clause():
    text = ("He led the Debian Project from its inception in 1993 to 1996, wrote the Debian manifesto in January 1994 "
            "and nurtured the fledgling project.")
    assert find_phrase("date", text, "When did Ian Murdock write the Debian manifesto?") == "January 1994"
    # a date that opens its clause dates what follows it
    assert find_phrase("date", "On 14 September, Kono met Ivanov. In 2001 the treaty was signed.",
                       "When did Kono meet Ivanov?") == "14 September"


def test_asked_how_old_a_year_is_no_age():
    assert find_phrase("number", "Ian Murdock died in December 2015.", "How old was Ian Murdock when he died?") is None
    assert find_phrase("number", "He died in 2015. He was 42.", "How old was Ian Murdock when he died?") == "42"
    assert find_phrase("number", "More than 350 distributions are derived from Debian.",
                       "How many distributions are derived from Debian?") == "350"


def test_a_release_number_the_question_gives_is_held_by_the_sentence_about_that_release():
    from tests.rag.answer_pages import hit_of

    page = hit_of(("", "Debian 0.93 was followed by a long series of bug fixes in 1995.", 0.6),
                  ("\n", "- 1.1 Buzz released June 1996 (474 packages, 2.0 kernel)", 0.58))
    scored = {c.sentence.text[:12]: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences(
        "When was Debian 1.1 released?", [page])}
    assert scored["- 1.1 Buzz r"].get("holds_asked_code") == 1.0
    assert "holds_asked_code" not in scored["Debian 0.93 "]


def test_a_thing_of_the_kind_asked_named_by_several_words_and_numbers():
    from rag.answer_phrases import named_thing

    question = "Which Debian release is dedicated to Ian Murdock?"
    assert find_phrase("term", "The Debian 9 Stretch release was dedicated in his memory.", question) == \
        "Debian 9 Stretch"
    assert named_thing("They met at the UN General Assembly session in New York.", frozenset({"session"}),
                       "Which session did the ministers attend?") == "UN General Assembly"
    # the question's own words are its context, not its answer
    assert named_thing("The UN General Assembly session was long.", frozenset({"session"}),
                       "Which UN General Assembly session was long?") is None


def test_a_glued_signatures_argument_names_are_no_words_of_what_it_is_but_for_a_default():
    from tests.rag.answer_pages import hit_of

    signature = ("attr.s(these=None, repr=None, hash=None, init=None, slots=False, frozen=False, weakref_slot=True, "
                 "str=False, auto_attribs=False, kw_only=False, cache_hash=False, auto_exc=False, eq=None)")
    entry = hit_of(("", signature + "\nA class decorator that adds dunder methods.", 0.64), doc="api")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    which = answerer.score_sentences("Which decorator makes frozen slotted instances?", [entry])[0].features
    assert which["overlap"] < 0.5  # "decorator" only: frozen= and slots= are options it takes, not what it is
    # asked for the default of one of them, the argument list is what answers
    answer = answerer.answer("What is the default value of the frozen parameter of attr.s?", [entry])
    assert answer.short_answer == "False", answer.text


def test_which_function_returns_x_is_covered_by_a_description_of_x_without_the_verb():
    from tests.rag.answer_pages import hit_of

    peek = hit_of(("", "toolz.itertoolz.peek(seq)", 0.5),
                  ("\n", "Returns the first element and an iterable equivalent to the original sequence.", 0.55))
    second = hit_of(("", "toolz.itertoolz.second(seq)", 0.5), ("\n", "The second element in a sequence", 0.55))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    answer = answerer.answer("Which function returns the second element of a sequence?", [peek, second])
    assert answer.short_answer == "toolz.itertoolz.second", answer.text


def test_the_code_name_of_a_versioned_thing_is_the_name_right_after_it():
    question = "What was the code name of Debian 1.1?"
    assert find_phrase("term", "Debian 1.1 Buzz (June 17th, 1996): the first release with a code name.", question) \
        == "Buzz"
    assert find_phrase("term", "Debian 1.1 (Buzz) was released in June 1996.", question) == "Buzz"
    # another release's name is not this one's
    assert find_phrase("term", "Debian 1.10 Foo was never released.", question) is None


def test_a_long_signature_is_left_out_of_the_quote_of_its_description():
    from tests.rag.answer_pages import hit_of

    arguments = ", ".join(f"option_{i}=None" for i in range(12))
    entry = hit_of(("", f"kiln.fire({arguments})\nFire every pot of the batch in one load.", 0.7))
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    answer = answerer.answer("What does kiln.fire do?", [entry])
    assert answer.citations[0].text == "Fire every pot of the batch in one load.", answer.text
    # asked for a default, the signature that gives it is quoted
    answer = answerer.answer("What is the default value of option_3 in kiln.fire?", [entry])
    assert answer.citations[0].text.startswith("kiln.fire("), answer.text
    # asked for a value, the signature that may give it stays in the quote
    answer = answerer.answer("How many option_3 values does kiln.fire take at most?", [entry])
    assert answer.citations[0].text.startswith("kiln.fire("), answer.text
    # a short signature stays with its description
    short = hit_of(("", "kiln.cool(minutes)\nLet the kiln cool down.", 0.7))
    assert answerer.answer("What does kiln.cool do?", [short]).citations[0].text.startswith("kiln.cool(minutes)")


def test_a_method_asked_with_its_class_is_the_one_under_that_class():
    from tests.rag.answer_pages import hit_of

    response = hit_of(("", "class requests.Response", 0.5), ("\n", "The Response object of a request.", 0.5),
                      ("\n\n", "close()", 0.5), ("\n", "Releases the connection back to the pool.", 0.55), doc="a")
    session = hit_of(("", "class requests.Session", 0.5), ("\n", "A Requests session.", 0.5),
                     ("\n\n", "close()", 0.5), ("\n", "Closes all adapters and as such the session.", 0.6), doc="b")
    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    answer = answerer.answer("What does Response.close do?", [session, response])
    assert "Releases the connection" in answer.citations[0].text, answer.text
    answer = answerer.answer("What does Session.close do?", [session, response])
    assert "Closes all adapters" in answer.citations[0].text, answer.text


def test_what_is_a_thing_asks_for_its_definition_not_for_a_phrase_of_a_kind():
    from rag.answer_phrases import expected_kind

    assert expected_kind("What is a bare repository?") is None
    assert expected_kind("What is a column's storage class?") is None  # a possessive is part of the thing's name
    assert expected_kind("What is a factor in R?") is None
    assert expected_kind("What is the Developers Database?") is None  # a named thing
    assert expected_kind("What is the index?") == "term"  # (a word of prose: a value of something, as often)
    assert expected_kind("What is the default port?") == "term"  # a value of something named
    assert expected_kind("What is a good recipe for sourdough bread?") == "term"  # one of a kind, for a purpose
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "bare repository", 0.4), ("\n", "A bare repository is normally a directory with a .git suffix "
                                                       "that has no working tree.", 0.7))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What is a bare repository?", [hit])
    assert answer.short_answer is None, answer.text  # (not ".git": the definition is the answer)


def test_what_is_a_thing_is_answered_by_the_sentence_that_defines_it():
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "Sometimes several iterations are needed.", 0.5),
                 (" ", "Thus being a sponsor implies being a mentor.", 0.64),
                 ("\n\n", "Sponsors are people who are official Debian Developers and who upload packages for you.",
                  0.5))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What is a sponsor?", [hit])
    assert answer.citations[0].text.startswith("Sponsors are people"), answer.text
