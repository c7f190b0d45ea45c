"""Flow tests: use cases called directly on a fresh migrated database (the suite's backend), no process.

``world`` / ``make_world`` are the only places tests/flows get Settings, the company process, Deps and
the deal-hook context from (all built in tests/support/flows.py).
"""

from __future__ import annotations

import pytest

from bot.clock import FixedClock
from tests.support.factories import T0
from tests.support.flows import World, load_process, make_settings


@pytest.fixture
def make_world(engine, db_url):
    """A world whose Settings differ from the defaults by ``overrides`` (e.g. a manager channel)."""

    def make(**overrides) -> World:
        settings = make_settings(db_url, **overrides)
        return World(engine=engine, settings=settings, clock=FixedClock(T0), process=load_process(settings))

    return make


@pytest.fixture
def world(make_world) -> World:
    return make_world()
