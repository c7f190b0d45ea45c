"""Named domain errors; the handler layer turns each into a friendly message from the catalog."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An expected refusal. ``key`` is a catalog key; ``values`` fill its fields."""

    key = "errors.generic"

    def __init__(self, key: str | None = None, **values: Any) -> None:
        self.key = key or self.key
        self.values = values
        super().__init__(self.key)


class NotAllowed(DomainError):
    key = "errors.not_allowed"


class NotFound(DomainError):
    key = "errors.not_found"


class StaleCard(DomainError):
    key = "errors.stale_card"


class BadInput(DomainError):
    key = "errors.bad_input"


class MilestoneMissing(DomainError):
    key = "errors.milestone_missing"


MAX_ROW_ID = 2**31 - 1  # row ids are 32-bit integers on PostgreSQL


def row_id(value: object) -> int:
    """A row id taken from a payload (a button's value, a modal's metadata): a positive 32-bit integer,
    otherwise NotFound: junk from outside never reaches a query as anything else."""
    if isinstance(value, bool):
        raise NotFound()
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError) as e:
        raise NotFound() from e
    if not 0 < n <= MAX_ROW_ID:
        raise NotFound()
    return n
