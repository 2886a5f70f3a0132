"""Multi-turn retrieval: a follow-up is searched with the turns it depends on; a new question alone."""

from __future__ import annotations

import asyncio

import pytest

from rag.conversation import (
    FollowUp,
    Message,
    answer_body,
    check_conversation,
    follow_up,
    is_follow_up,
    retrieval_query,
)
from rag.errors import InvalidInputError

FIRST = "What kind of subcommittee did Ivanov propose convening?"
FOLLOW_UP = "and when will that happen?"


def test_follow_ups_are_recognised_and_questions_that_stand_alone_are_not():
    assert is_follow_up(FOLLOW_UP)
    assert is_follow_up("What about Kono?")
    assert is_follow_up("Why?")
    assert not is_follow_up("How long did the Japanese and Russian foreign ministers meet?")
    assert not is_follow_up(FIRST)


def test_a_follow_up_is_searched_with_the_question_and_answer_before_it():
    query = retrieval_query([Message("user", FIRST),
                             Message("assistant", "A subcommittee on border demarcation [1].\n\nSources:\n[1] \"x\" — T"),
                             Message("user", FOLLOW_UP)])
    assert query.startswith(FIRST) and query.endswith(FOLLOW_UP)
    assert "border" in query and "demarcation" in query
    assert "Sources" not in query and "[1]" not in query


def test_a_new_self_contained_question_is_searched_alone():
    messages = [Message("user", FIRST), Message("assistant", "A subcommittee on border demarcation [1]."),
                Message("user", "How long did the two foreign ministers talk at the General Assembly?")]
    assert retrieval_query(messages) == messages[-1].content


def test_system_messages_do_not_enter_the_query():
    query = retrieval_query([Message("system", "You are helpful."), Message("user", FIRST)])
    assert query == FIRST


def test_answer_body_drops_sources_and_markers():
    assert answer_body("Tokyo [1], mid-October [2, 3].\n\nSources:\n[1] \"a\" — T\n[2] \"b\" — T") == "Tokyo , mid-October ."


@pytest.mark.parametrize("messages, message", [
    ([], "empty"),
    ([Message("assistant", "hi")], "last message"),
    ([Message("user", "   ")], "empty"),
    ([Message("wizard", "x"), Message("user", "y")], "role"),
])
def test_bad_conversations_are_refused_with_a_clear_message(messages, message):
    with pytest.raises(InvalidInputError, match=message):
        check_conversation(messages)


def test_the_follow_up_fails_without_history_and_succeeds_with_it(seed_service):
    alone = asyncio.run(seed_service.chat([Message("user", FOLLOW_UP)]))
    assert alone.answer.abstained or "mid-October" not in alone.answer.text

    first = asyncio.run(seed_service.chat([Message("user", FIRST)]))
    assert "border demarcation" in first.answer.text
    followed = asyncio.run(seed_service.chat([
        Message("user", FIRST), Message("assistant", first.answer.text), Message("user", FOLLOW_UP)]))
    assert not followed.answer.abstained
    assert "mid-October" in followed.answer.text
    text = seed_service.index.store.document_text(followed.answer.citations[0].doc_id)
    cited = [c for c in followed.answer.citations if "mid-October" in c.text]
    assert cited and all(text[c.start:c.end] == c.text for c in cited)


def test_a_follow_ups_thread_is_the_questions_it_leans_on_and_the_answer_it_follows():
    messages = [Message("user", FIRST), Message("assistant", "A subcommittee on border demarcation [1]."),
                Message("user", "Where would it meet?"), Message("assistant", "Tokyo [1]."), Message("user", "And when?")]
    assert follow_up(messages) == FollowUp(f"{FIRST} Where would it meet?", "Tokyo .")
    # A question of its own leans on nothing, nor does the first message.
    assert follow_up([*messages[:4], Message("user", "How long did the two foreign ministers talk?")]) == \
        FollowUp("", "")
    assert follow_up([Message("user", FOLLOW_UP)]) == FollowUp("", "")


WHERE_FIRST = "What subcommittee did Ivanov want to convene?"


def test_a_follow_up_is_answered_as_asked_not_as_the_thread_asks(seed_service):
    # "Where would it meet?" asks for a place, though the thread it is searched with asks "what subcommittee".
    first = asyncio.run(seed_service.chat([Message("user", WHERE_FIRST)]))
    followed = asyncio.run(seed_service.chat([
        Message("user", WHERE_FIRST), Message("assistant", first.answer.text), Message("user", "Where would it meet?")]))
    assert followed.answer.text.startswith("Tokyo — "), followed.answer.text
