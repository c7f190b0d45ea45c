"""Admission control: N requests at once, a bounded queue behind them, and a request shed (None: the web
layer answers 503 + Retry-After) when the queue is full or when it waited too long for a slot."""

from __future__ import annotations

import threading
import time

import anyio

from bot.admission import Admission


def test_a_full_queue_sheds_and_a_request_that_waited_too_long_is_shed():
    release = threading.Event()
    ran: list[str] = []

    def work(name: str, hold: bool = False) -> str:
        if hold:
            release.wait(5)
        ran.append(name)
        return name

    async def main() -> dict[str, str | None]:
        gate = Admission(concurrency=1, queue=1, max_wait=0.3)
        out: dict[str, str | None] = {}

        async def call(name: str, hold: bool = False) -> None:
            out[name] = await gate.run(work, name, hold)

        async with anyio.create_task_group() as tg:
            tg.start_soon(call, "running", True)  # takes the one slot and holds it
            await anyio.sleep(0.05)
            tg.start_soon(call, "queued")  # waits in the queue of one
            await anyio.sleep(0.05)
            assert gate.waiting == 1
            out["over"] = await gate.run(work, "over")  # the queue is full: shed at once
            await anyio.sleep(0.5)  # "queued" waits past max_wait
            release.set()
        out["after"] = await gate.run(work, "after")  # calm again: served
        return out

    started = time.monotonic()
    out = anyio.run(main)
    assert out == {"running": "running", "over": None, "queued": None, "after": "after"}
    assert ran == ["running", "after"]  # what was shed never ran
    assert time.monotonic() - started < 5
