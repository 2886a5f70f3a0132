"""A stopword that names code ("the with statement") is a term of the question, held where a sentence writes it as code."""

from __future__ import annotations

from rag.code_keywords import code_keywords, names_keyword


def test_a_stopword_before_a_construct_word_or_in_backquotes_names_code():
    assert code_keywords("What does the with statement do?") == {"with"}
    assert code_keywords("What does the in operator test?") == {"in"}
    assert code_keywords("How do I use `if` in a template?") == {"if"}
    assert code_keywords("What does a for loop do with this?") == {"for"}
    assert code_keywords("Which is better, this or that?") == frozenset()
    assert code_keywords("What does the yield statement do?") == frozenset()  # not a stopword: a term already


def test_a_sentence_holds_the_keyword_where_it_writes_it_as_code():
    assert names_keyword("The `with` statement wraps a block.", "with")
    assert names_keyword("{% with total = 3 %} ... {% endwith %}", "with")
    assert names_keyword("A for loop walks the list.", "for")
    assert not names_keyword("Use it with care in every statement.", "with")
