"""The bounded least-recently-used map the service keeps between requests."""

from __future__ import annotations

from rag.lru import LruCache


def test_the_least_recently_used_entry_is_forgotten_first():
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the more recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_a_cache_of_size_zero_remembers_nothing_and_clear_forgets_all():
    none: LruCache[str, int] = LruCache(0)
    none.put("a", 1)
    assert none.get("a") is None and len(none) == 0
    cache: LruCache[str, int] = LruCache(4)
    cache.put("a", 1)
    cache.clear()
    assert cache.get("a") is None
