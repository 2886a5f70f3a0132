import pytest

from rag.errors import InvalidInputError, NotFoundError
from tests.conftest import SEED_FILE


def test_answers_how_long_the_ministers_met_with_an_exact_citation(seed_service):
    answer = seed_service.ask("How long did the ministers meet?")
    assert not answer.abstained
    assert "approximately 50 minutes" in answer.text
    text = SEED_FILE.read_text(encoding="utf-8")
    assert answer.citations
    for c in answer.citations:
        assert text[c.start : c.end] == c.text
        assert f"[{c.number}]" in answer.text
    assert any("approximately 50 minutes" in c.text for c in answer.citations)


def test_answer_is_concise(seed_service):
    answer = seed_service.ask("Where did Ivanov want the border demarcation subcommittee to meet?")
    assert not answer.abstained and "Tokyo" in answer.text
    assert 1 <= len(answer.citations) <= 3
    assert len(answer.text) < 1200


@pytest.mark.parametrize("question", ["How do I bake sourdough bread?", "What is the capital of Australia?"])
def test_abstains_when_the_documents_do_not_answer(seed_service, question):
    answer = seed_service.ask(question)
    assert answer.abstained and answer.citations == []
    assert "do not contain an answer" in answer.text


def test_search_ranks_the_passage_with_the_evidence_first(seed_service):
    hits = seed_service.search("subcommittee on border demarcation", 3)
    assert "border demarcation" in hits[0].passage.text
    assert hits[0].dense_score is not None and hits[0].sentence_score is not None


def test_filters_restrict_results_to_the_named_documents(seed_service):
    doc_id = seed_service.index.store.documents()[0].id
    assert all(h.passage.doc_id == doc_id for h in seed_service.search("Putin visit", 3, doc_ids=[doc_id]))
    with pytest.raises(NotFoundError):
        seed_service.search("Putin visit", 3, doc_ids=["no-such-doc"])


@pytest.mark.parametrize(("question", "top_k"), [("", 5), ("   ", 5), ("x" * 5000, 5), ("ok", 0), ("ok", 51)])
def test_bad_questions_are_refused_with_a_message(seed_service, question, top_k):
    with pytest.raises(InvalidInputError):
        seed_service.ask(question, top_k)


def test_the_passage_context_settings_reach_the_splitter(embedder):
    from rag.config import Settings
    from rag.service import RagService

    settings = Settings.from_env({"RAG_PASSAGE_CONTEXT": "heading", "RAG_PASSAGE_CONTEXT_TOKENS": "12"})
    split = RagService(settings, embedder=embedder).split_config
    assert (split.context, split.context_tokens) == ("heading", 12)
    with pytest.raises(InvalidInputError):
        RagService(Settings(passage_context="titles"), embedder=embedder)
