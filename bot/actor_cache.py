"""A short-lived, per-process cache of the Actor (who is asking) on the per-request hot path.

Any commit in this process clears it, so a change made through this process (a user_change event, a
role an admin sets) shows on the very next request. A change made by another replica shows within
DEALBOT_ACTOR_CACHE_SECONDS (0 turns the cache off).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.flows.team.users import Actor

MAX_ENTRIES = 10_000


class ActorCache:
    def __init__(self, engine: Engine, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, str], tuple[float, Actor]] = {}
        self._lock = threading.Lock()
        self.generation = 0  # bumped by every clear: a read that started before it is not cached
        if ttl > 0:
            event.listen(engine, "commit", self.clear)

    def get(self, team_id: str, user_id: str) -> Actor | None:
        if self.ttl <= 0:
            return None
        hit = self._entries.get((team_id, user_id))
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, actor: Actor, generation: int) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if generation != self.generation:
                return  # something committed while we read: what we read may be stale
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[(actor.team_id, actor.user_id)] = (time.monotonic() + self.ttl, actor)

    def clear(self, *_: object) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()
