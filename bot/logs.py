"""Logging, configured once. Secrets never reach the log: the formatter masks anything token-shaped
and the configured credentials, in messages and in tracebacks alike."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

SECRET = re.compile(r"\b(xox[abpers]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, secret[:4] + "…")
    return SECRET.sub(lambda m: m.group(1)[:5] + "…", text)


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # through our handler, redacted
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
