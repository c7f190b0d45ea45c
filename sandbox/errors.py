"""SlackError: a Web API error answer (error code, HTTP status, headers, extra body fields)."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.status, self.headers, self.extra = error, status, headers or {}, extra
