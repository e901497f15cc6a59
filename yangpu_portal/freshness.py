"""Cached figures with explicit invalidation (issue 10): generations per topic.

A page that aggregates many rows (the compliance board, the public report statistics) caches
its result under a key that includes the current *generation* of each topic it reads
("compliance", "reports"). The actions that change those rows call `bump(topic)`; after their
transaction commits the topic gets a new generation, so every cached entry of the old one is
never read again (and expires on its own). Nothing is deleted by pattern, which works with
every cache backend and across hosts (the cache is shared: database table or Redis).

A generation is a nanosecond timestamp, not a counter: after a cache flush a new one never
repeats an old one. Cost on a hit: two cache reads (the generations, then the entry)."""

import time
from collections.abc import Callable

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction

# A safety net for writes that bypass the actions (the admin's change forms): cached figures
# are at most this old. The actions themselves invalidate at once.
MAX_AGE_SECONDS = 10 * 60

COMPLIANCE = "compliance"
REPORTS = "reports"
STATIONS = "stations"
# Whole pages (yangpu_portal.pagecache): bumped after every request that may write.
PAGES = "pages"


def _key(topic: str) -> str:
    return f"freshness:{topic}"


def generations(*topics: str) -> tuple[int, ...]:
    """The current generation of each topic (one cache read; new topics get one)."""
    return generations_in(topics, cache.get_many([_key(t) for t in topics]))


def generations_with(topics: tuple[str, ...], key: str) -> tuple[tuple[int, ...], object]:
    """The generations of `topics` and the value cached under `key`, in one cache read."""
    current, found = generations_with_keys(topics, [key])
    return current, found.get(key)


def generations_with_keys(topics: tuple[str, ...], keys: list[str]) -> tuple[tuple, dict]:
    """The generations of `topics` and the values cached under `keys` (a dict of those
    found), in one cache read."""
    found = cache.get_many([*(_key(t) for t in topics), *keys])
    return generations_in(topics, found), found


def generations_in(topics, found: dict) -> tuple[int, ...]:
    result = []
    for topic in topics:
        value = found.get(_key(topic))
        if value is None:
            value = time.time_ns()
            cache.add(_key(topic), value, None)
        result.append(value)
    return tuple(result)


def bump(*topics: str) -> None:
    """Everything cached for `topics` is stale: now, and (with a cache outside the database)
    again once the current transaction commits. The database cache's table is written in the
    same transaction, so the bump commits or rolls back with the change. With Redis, a reader
    between the first bump and the commit could cache figures computed from the rows as they
    were before: the second bump retires them."""

    def new_generation():
        cache.set_many({_key(t): time.time_ns() for t in topics}, None)

    new_generation()
    if not isinstance(caches[DEFAULT_CACHE_ALIAS], DatabaseCache):
        transaction.on_commit(new_generation)


def cached(topics: tuple[str, ...], key: str, build: Callable[[], object]):
    """`build()`'s result, cached under `key` for the current generations of `topics`."""
    full_key = f"fresh:{key}:" + ":".join(str(g) for g in generations(*topics))
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, MAX_AGE_SECONDS)
    return value
