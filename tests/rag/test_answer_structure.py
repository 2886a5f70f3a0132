"""Layout carries meaning in Markdown and plain text too: a term travels with its description, a table cell with
its headers, a list item with its lead-in; through the library and the `rag` command line, citations exact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from rag.load import load_bytes
from tests.conftest import ROOT
from tests.rag.structure_docs import DOCUMENTS, QUESTIONS


@pytest.fixture(scope="module")
def structure_service(embedder, tmp_path_factory):
    from rag.config import Settings
    from rag.service import RagService

    service = RagService(Settings(index_dir=tmp_path_factory.mktemp("structure-index")), embedder=embedder)
    service.warm_up()
    service.ingest_documents([load_bytes(text.encode(), name) for name, text in DOCUMENTS.items()])
    yield service
    service.close()


@pytest.mark.parametrize(("question", "lead", "described"), QUESTIONS, ids=[q for q, _, _ in QUESTIONS])
def test_the_answer_leads_with_the_term_and_cites_its_description(structure_service, question, lead, described):
    answer = structure_service.ask(question)
    assert not answer.abstained
    assert answer.text.startswith(lead), answer.text
    first = answer.citations[0]
    assert described in first.text, first.text
    for c in answer.citations:
        assert structure_service.document(c.doc_id)[1][c.start : c.end] == c.text


def test_a_signature_heading_alone_never_answers_what_it_does(structure_service):
    answer = structure_service.ask("What does pathkit.splitext do?")
    quote = answer.citations[0].text
    assert quote.startswith("### pathkit.splitext(path)") and "Split the path into a root" in quote


def test_what_a_markdown_entry_does_is_its_summary_below_its_history_and_parameters(structure_service):
    answer = structure_service.ask("What does kiln.fire do?")
    assert answer.citations[0].text == "Heats the chamber until every piece has vitrified, then lets it cool slowly."


@pytest.mark.parametrize("question", ["When did the cone option start accepting fractions?",
                                      "Which cone is used for stoneware glaze firing?"])
def test_markdown_answers_quote_no_html_or_comment_markup(structure_service, question):
    answer = structure_service.ask(question)
    assert not answer.abstained
    assert not any(mark in answer.text for mark in ("<", "-->", "pr-url", "https://")), answer.text


def test_a_list_item_far_below_its_lead_in_shows_the_lead_in_and_cites_the_item(structure_service):
    answer = structure_service.ask("What happens to up-level references?")
    assert answer.text.startswith("Before a path is printed, pktool applies the following rewrites: … * up-level")
    assert answer.citations[0].text == "* up-level references are resolved against the parent directory"


def test_the_command_line_answers_from_a_markdown_and_a_text_file(tmp_path):
    paths = []
    for name, text in DOCUMENTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}

    def rag(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)

    assert rag("ingest", *paths, "--index", str(index)).returncode == 0
    for question, lead, described in (QUESTIONS[1], QUESTIONS[10]):  # a Markdown signature, a --help option
        result = rag("ask", question, "--index", str(index), "--json")
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["answer"].startswith(lead)
        citation = answer["citations"][0]
        source = (tmp_path / citation["source"].rsplit("/", 1)[-1]).read_text(encoding="utf-8")
        assert described in citation["text"] and source[citation["start"] : citation["end"]] == citation["text"]


@dataclass(frozen=True)
class _Line:
    text: str


@pytest.mark.parametrize(("above", "header"), [
    ("Constant | Description", ["Constant", "Description"]),
    # A passage begun inside a table: the row above is data (the column names are in the passage before), so the
    # asked row is shown as it stands, not under the neighbouring row's cells.
    ("SIGPIPE | Sent to a process when it has attempted to write to a disconnected pipe.", None),
    ("SIGALRM | 14", None),
])
def test_the_row_above_heads_a_table_only_when_it_names_columns(above, header):
    from rag.answer import _table_header

    lines = [_Line(above), _Line("SIGCHLD | Sent to a process when a child process terminates.")]
    assert _table_header(lines, 1, lambda a, b: "\n") == header


def test_asked_how_a_long_signature_leads_by_its_name_a_short_one_as_written():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    answerer = ExtractiveAnswerer(AnswerConfig(threshold=0.0))
    sig = "click.version_option(version=None, *param_decls, package_name=None, prog_name=None, message=None, **kwargs)"
    hit = hit_of(("", sig, 0.5), ("\n", "Add a --version option which prints the version number and exits.", 0.3),
                 ("\n\n", "Parameters:", 0.2), ("\n", "- version (Optional[str]) – The version number to show.", 0.7))
    assert answerer.answer("How do I add a --version option?", [hit]).short_answer == "click.version_option"
    hit = hit_of(("", "click.pause(info=None)", 0.5), ("\n", "Pause until a key is pressed.", 0.3),
                 ("\n\n", "Parameters:", 0.2), ("\n", "- info (Optional[str]) – The message to print first.", 0.7))
    answer = answerer.answer("How do I wait before continuing, with a message to print?", [hit])
    assert answer.short_answer == "click.pause(info=None)"


def test_asked_how_a_parameters_name_never_leads():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "Use it to iterate over something while showing a progress bar.", 0.8),
                 ("\n\n", "Parameters:", 0.2),
                 ("\n", "- length (Optional[int]) – the number of items to iterate over.", 0.3),
                 ("\n", "- empty_char (str) – the character to use to show the non-filled part of the progress bar.",
                  0.79),
                 ("\n", "- fill_char (str) – the character to use to show the filled part of the progress bar.", 0.5))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("How do I show a progress bar?", [hit])
    assert len(answer.citations) == 2  # the parameter's line is quoted, its name does not lead
    assert answer.short_answer is None, answer.text


def test_asked_what_type_an_entry_returns_the_line_under_return_type_answers():
    from rag.answer import AnswerConfig, ExtractiveAnswerer
    from tests.rag.answer_pages import hit_of

    hit = hit_of(("", "kiln.is_hot(kiln_id, threshold)", 0.72),
                 ("\n", "Check if a kiln is hotter than the threshold given.", 0.62),
                 ("\n\n", "Return type", 0.3), ("\n", "bool", 0.3))
    answer = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).answer("What type does kiln.is_hot return?", [hit])
    assert answer.citations[0].text.split() == ["Return", "type", "bool"], answer.text  # the value with its label
