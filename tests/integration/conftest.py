"""Shared fixtures of the integration tests: the real app as a process (tests/conftest.py), and its
database opened from the test."""

from __future__ import annotations

import pytest

from tests.support.pipeline import BotDb


@pytest.fixture
def db(bot):
    """The database the bot process uses: rows in (deals, interviews), rows out (events, people)."""
    d = BotDb(bot)
    yield d
    d.close()
