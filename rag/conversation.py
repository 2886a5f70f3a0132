"""Multi-turn chat: the messages of a conversation, and the retrieval query that a follow-up stands for.

"And when will that happen?" names nothing that retrieval can find. A follow-up (a short message, or one that
leans on a pronoun or starts with "and") is searched together with the question it follows and the content
words of the answer it got; a self-contained question is searched alone, so a change of topic is not polluted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InvalidInputError
from .keyword import keyword_terms

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
# Words that point back at something said before.
_ANAPHORA = frozenset(
    ["it", "its", "that", "this", "those", "these", "they", "them", "their", "there", "then", "he", "him", "his", "she", "her", "such", "same", "former", "latter"])
_FOLLOW_UP_START = re.compile(r"^\s*(and|but|also|so|or|what about|how about|then|why not)\b", re.I)
_SOURCES = re.compile(r"\n+\s*\**Sources\**:?\s*\n.*\Z", re.S | re.I)
_MARKERS = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
MAX_ANSWER_TERMS = 20
MAX_QUERY_CHARS = 1000
MAX_HISTORY_CHARS = 1000


@dataclass(frozen=True)
class Message:
    role: str
    content: str


def check_conversation(messages: Sequence[Message]) -> None:
    """A conversation must end with a non-empty user message; roles must be known ones."""
    if not messages:
        raise InvalidInputError("messages is empty: send at least one user message")
    for i, m in enumerate(messages):
        if m.role not in ROLES:
            raise InvalidInputError(f"messages[{i}].role {m.role!r} is not one of {', '.join(sorted(ROLES))}")
    if messages[-1].role != "user":
        raise InvalidInputError("the last message must have role 'user'")
    if not messages[-1].content.strip():
        raise InvalidInputError("the last user message is empty")


def is_follow_up(text: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    return (len(keyword_terms(text)) < 2 or bool(_FOLLOW_UP_START.search(text))
            or any(w in _ANAPHORA for w in words))


def answer_body(text: str) -> str:
    """An assistant message without its "Sources" list and citation markers: what was actually said."""
    return _MARKERS.sub("", _SOURCES.sub("", text)).strip()


def _thread(messages: Sequence[Message]) -> list[tuple[str, str]]:
    """The user messages of the thread the last one belongs to, oldest first, each with the answer it followed
    (without sources and markers; "" for none): a follow-up joins the thread before it, a question of its own starts
    a new one."""
    thread: list[tuple[str, str]] = []
    last_answer = ""
    for m in messages:
        if m.role == "assistant":
            last_answer = answer_body(m.content)
        elif m.role == "user" and m.content.strip():
            text = " ".join(m.content.split())
            thread = [*thread, (text, last_answer)] if thread and is_follow_up(text) else [(text, last_answer)]
            last_answer = ""
    return thread


def retrieval_query(messages: Sequence[Message]) -> str:
    """The text to search for the last user message, resolved through the turns before it."""
    thread = _thread(messages)
    query = thread[0][0] if thread else ""
    for text, answered in thread[1:]:
        answer_terms = " ".join(keyword_terms(answered)[:MAX_ANSWER_TERMS])
        query = " ".join(part for part in (query, answer_terms, text) if part)
    # Keep the end: the newest words matter most.
    return query[-MAX_QUERY_CHARS:].lstrip() if len(query) > MAX_QUERY_CHARS else query


@dataclass(frozen=True)
class FollowUp:
    """What the last user message leans on: the earlier questions of its thread, and the answer it follows."""

    asked: str  # the earlier user messages it follows up, oldest first ("" when it stands alone)
    answered: str  # the last assistant answer, without sources and markers


def follow_up(messages: Sequence[Message]) -> FollowUp:
    """The thread the last user message continues ("What happened to it?" after "What did Putin offer?"), resolved
    as `retrieval_query` resolves it; empty when the message is a question of its own."""
    thread = _thread(messages)
    if len(thread) < 2:
        return FollowUp("", "")
    return FollowUp(" ".join(text for text, _ in thread[:-1])[-MAX_HISTORY_CHARS:], thread[-1][1])


def history_for_prompt(messages: Sequence[Message], max_turns: int = 4) -> list[dict[str, str]]:
    """Earlier user/assistant turns (answers without their sources) for the LLM's context; system turns dropped."""
    turns = [{"role": m.role,
              "content": (answer_body(m.content) if m.role == "assistant" else m.content.strip())[:MAX_HISTORY_CHARS]}
             for m in messages[:-1] if m.role in ("user", "assistant") and m.content.strip()]
    return turns[-max_turns:]
