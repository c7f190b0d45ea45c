"""The event_id claim behind Events API dedupe, on the backend under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from storage.db import session_scope
from storage.repo.events import claim_event, finish_event

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def claim(engine, event_id: str, now: datetime = NOW) -> bool:
    with session_scope(engine) as s:
        return claim_event(s, event_id=event_id, team_id="T0SANDBOX", now=now, lease=LEASE)


def finish(engine, event_id: str, ok: bool) -> None:
    with session_scope(engine) as s:
        finish_event(s, event_id=event_id, ok=ok, now=NOW)


def test_first_delivery_runs_and_duplicates_do_not(engine):
    assert claim(engine, "Ev1") is True
    assert claim(engine, "Ev1") is False  # still processing, lease live
    finish(engine, "Ev1", ok=True)
    assert claim(engine, "Ev1", NOW + timedelta(days=1)) is False  # done stays done


def test_a_failed_or_stalled_delivery_can_be_claimed_again_once(engine):
    assert claim(engine, "Ev2") is True
    finish(engine, "Ev2", ok=False)
    assert claim(engine, "Ev2") is True
    assert claim(engine, "Ev2") is False
    # the worker died: after the lease, a retry takes it over
    assert claim(engine, "Ev2", NOW + LEASE + timedelta(seconds=1)) is True


def test_two_concurrent_claims_of_one_event_id_let_exactly_one_run(engine):
    results: list[bool] = []
    first_claimed, release = threading.Event(), threading.Event()

    def first() -> None:
        with session_scope(engine) as s:  # holds its transaction open until told to commit
            results.append(claim_event(s, event_id="Ev3", team_id="T0SANDBOX", now=NOW, lease=LEASE))
            first_claimed.set()
            release.wait(10)

    def second() -> None:
        first_claimed.wait(10)
        results.append(claim(engine, "Ev3"))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_claimed.wait(10)
    release.set()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False, True]
