"""The per-process Actor cache: any commit in the process clears it, and a read that raced a commit
is not cached."""

from __future__ import annotations

from bot.actor_cache import ActorCache
from bot.flows.team.users import Actor
from storage.db import make_engine, session_scope

ACTOR = Actor(team_id="T0SANDBOX", user_id="U0REP2", locale="en", tz="America/New_York")


def engine():
    return make_engine("sqlite://")


def test_a_cached_actor_is_served_until_a_commit_clears_it():
    eng = engine()
    cache = ActorCache(eng, ttl=60)
    cache.put(ACTOR, cache.generation)
    assert cache.get("T0SANDBOX", "U0REP2") == ACTOR
    assert cache.get("T0OTHER", "U0REP2") is None
    with session_scope(eng) as s:
        s.connection().exec_driver_sql("SELECT 1")
    assert cache.get("T0SANDBOX", "U0REP2") is None


def test_a_read_that_raced_a_commit_is_not_cached():
    eng = engine()
    cache = ActorCache(eng, ttl=60)
    started = cache.generation
    with session_scope(eng) as s:  # e.g. a user_change committed while the actor was being read
        s.connection().exec_driver_sql("SELECT 1")
    cache.put(ACTOR, started)
    assert cache.get("T0SANDBOX", "U0REP2") is None


def test_ttl_zero_turns_the_cache_off():
    cache = ActorCache(engine(), ttl=0)
    cache.put(ACTOR, cache.generation)
    assert cache.get("T0SANDBOX", "U0REP2") is None
