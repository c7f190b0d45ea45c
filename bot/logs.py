"""Logging, configured once. Tokens never reach the log: a filter masks anything token-shaped."""

from __future__ import annotations

import logging
import re

SECRET = re.compile(r"\b(xox[abpe]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if SECRET.search(msg):
            record.msg, record.args = SECRET.sub(lambda m: m.group(1)[:5] + "…", msg), None
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
