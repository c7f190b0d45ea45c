"""The log formatter masks tokens and the configured secrets, in messages and tracebacks."""

from __future__ import annotations

import logging

from bot.logs import RedactingFormatter


def _format(record: logging.LogRecord) -> str:
    return RedactingFormatter("%(message)s", secrets=["s3cr3t-signing-value"]).format(record)


def test_tokens_and_secrets_are_masked_in_the_message():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "token %s secret %s",
        ("xoxb-123-456-abc", "s3cr3t-signing-value"),
        None,
    )
    out = _format(record)
    assert "xoxb-123-456-abc" not in out and "s3cr3t-signing-value" not in out
    assert "xoxb-…" in out


def test_tokens_are_masked_in_a_traceback():
    try:
        raise RuntimeError("bad auth with xapp-1-A0-secretpart")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    out = _format(record)
    assert "Traceback" in out and "RuntimeError" in out
    assert "secretpart" not in out
