"""Which passage defines an API name, and the names a question asks about (rag/definitions.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.definitions import asked_definitions, defined_names

SPHINX_PAGE = """Utilities

click.echo(message=None, file=None, nl=True, err=False, color=None)
Print a message and newline to stdout or a file.

class click.Option(param_decls=None, show_default=None)
Options are usually optional values on the command line.

Example:

click.echo(value)

@click.command()
"""


def test_a_term_line_with_its_description_under_it_defines_its_name_and_the_names_it_ends_with():
    assert defined_names(SPHINX_PAGE) == {"click.echo", "echo", "click.Option", "Option"}


def test_markdown_headings_of_code_define_their_item():
    assert defined_names("### `fs.readFile(path[, options], callback)`\n\nAsynchronously reads a file.") == \
        {"fs.readFile", "readFile"}


def test_a_line_of_command_line_options_with_its_description_under_it_defines_them():
    text = ("--no-Rconsole\n(Windows only) Prevent loading the Rconsole file.\n--vanilla\nCombine --no-save and "
            "--no-restore.\n-o FILE, --output=FILE\nWrite to FILE.\nRun it with -x\nas shown.")
    assert defined_names(text) == {"--no-Rconsole", "--vanilla", "-o", "--output"}
    assert defined_names("### `--max-old-space-size=SIZE`\n\nSets the max memory size.") == {"--max-old-space-size"}


def test_prose_and_example_calls_define_nothing():
    assert defined_names("Call click.echo(value) to print.\nIt works everywhere.") == set()
    assert defined_names("print(total)\n\nThe total is printed.") == set()


@pytest.mark.parametrize(("question", "lookups"), [
    ("What does click.echo do?", [["=defines:click.echo", "=defines:echo"]]),
    ("What does `Context.invoke` return?", [["=defines:Context.invoke", "=defines:invoke"]]),
    ("When should I call getchar()?", [["=defines:getchar"]]),
    ("What is an ImmutableMultiDict?", [["=defines:ImmutableMultiDict"]]),
    ("Why is lru_cache faster?", [["=defines:lru_cache"]]),
    ("How do I print a message?", []),  # no code named: nothing to look up
    ("What does R's --vanilla command-line option do?", [["=defines:--vanilla"]]),  # not the "-" of "command-line"
])
def test_a_question_looks_up_the_code_it_names_whole_name_first(question, lookups):
    assert asked_definitions(question) == lookups


# A guide that uses a function in many examples, and the reference entry that defines it.
_GUIDE = "\n\n".join(
    f"## Counting {topic}\n\nTo count {topic}, call tally.count on the {topic} basket and print what "
    f"tally.count returns:\n\n```\nfrom tally import count\ntotals = tally.count({topic}_basket)\nprint(totals)\n```"
    for topic in ("apples", "pears", "plums", "figs", "limes", "dates", "kiwis", "mangos", "grapes", "melons",
                  "cherries", "peaches", "lemons", "oranges", "apricots", "berries", "quinces", "guavas", "papayas",
                  "olives", "onions", "leeks", "carrots", "beans", "peas", "nuts", "eggs", "loaves", "cakes", "pies"))
_REFERENCE = ("API reference\n\nThis page lists the library's functions.\n\n"
              "tally.count(items, key=None)\nGroup the items by key and return a mapping from each key to how many "
              "items share it.\n\ntally.reset()\nForget every count kept so far.\n")


def test_what_a_named_function_does_is_answered_from_its_entry_however_often_guides_use_it(make_service, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(_GUIDE, encoding="utf-8")
    (tmp_path / "docs" / "reference.txt").write_text(_REFERENCE, encoding="utf-8")
    service = make_service()
    service.ingest_paths([tmp_path / "docs"])
    question = "What does tally.count do?"
    answer = service.ask(question)
    assert not answer.abstained
    assert "Group the items by key" in answer.citations[0].text
    # Without the lookup the entry is not even read: the guide's examples outrank it.
    service.retriever.config = replace(service.retriever.config, defined_passages=0)
    service.answerer.forget()
    read = service.retriever.search(question, service.settings.rerank_passages)
    assert not any("Group the items by key" in h.passage.text for h in read)


def test_asked_what_an_option_does_the_first_line_under_its_term_is_its_summary():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "R accepts the following command-line options.", 0.6),
                 ("\n", "--vanilla", 0.5),
                 ("\n", "Combine --no-save, --no-environ and --no-restore.", 0.4),
                 (" ", "Under Windows, this also includes --no-Rconsole.", 0.4))
    scored = {c.sentence.text[:9]: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0))
              .score_sentences("What does the --vanilla option do?", [hit])}
    assert scored["Combine -"].get("summary") == 1.0
    assert "summary" not in scored["Under Win"]
    # an example call is no term whose first line below sums it up
    example = hit_of(("", 'click.echo_via_pager("\\n".join(lines))', 0.6),
                     ("\n", "If you want to use the pager for a lot of text, use a generator.", 0.6))
    scored = {c.sentence.text[:9]: c.features for c in ExtractiveAnswerer(AnswerConfig(threshold=0.0))
              .score_sentences("What does the text_or_generator parameter of click.echo_via_pager do?", [example])}
    assert "summary" not in scored["If you wa"]
