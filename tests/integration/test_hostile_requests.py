"""Hundreds of signed but hostile requests against the real app process: bodies Slack would never send
get a 4xx and a log line, junk ids, texts and metadata get a friendly answer; none gets a 5xx, no user
ever sees a traceback, nothing stored is lost, and the bot answers normally afterwards."""

from __future__ import annotations

import json

import httpx

from storage.models import Deal, Person
from tests.support.hostile import hostile_requests, send
from tests.support.pipeline import BotDb

REP = "U0REP1"


def test_300_hostile_signed_requests_get_no_5xx_and_the_bot_answers_afterwards(slack, sandbox, bot):
    db = BotDb(bot)
    try:
        deal = db.add_deal(owner_id=REP, account="Hostile Co")
        other = db.add_deal(owner_id="U0REP2", account="Someone Else Co")
        cases = hostile_requests(slack, deal.id)
        assert len(cases) >= 300

        wrong = []
        for case in cases:
            try:
                r = send(slack, case)
            except httpx.HTTPError as e:
                assert bot.proc.poll() is None, (
                    f"{case.name}: the bot died ({bot.proc.returncode})\n{bot.log()}"
                )
                wrong.append(f"{case.name}: {e!r}")
                continue
            ok = 400 <= r.status_code < 500 if case.expect == "malformed" else r.status_code < 300
            if not ok or "Traceback" in r.text:
                wrong.append(f"{case.name}: {r.status_code} {r.text[:200]}")
        assert wrong == [], "\n".join(wrong) + "\n" + bot.log()

        shown = json.dumps(sandbox.state.snapshot(), ensure_ascii=False)
        assert "Traceback" not in shown and 'File "' not in shown
        log = bot.log_path.read_text(errors="replace")
        assert "rejected a malformed Slack request" in log
        unexpected = [line for line in log.splitlines() if "Error" in line or "bot/" in line]
        assert "unhandled error in a listener" not in log, "junk met an unexpected error:\n" + "\n".join(
            unexpected[:80]
        )

        # junk changed nothing stored
        assert db.deal(deal.id).version == deal.version and db.deal(other.id).version == other.version
        assert {d.id for d in db.rows(Deal)} == {deal.id, other.id}
        assert db.rows(Person) == []

        reply = slack.command(REP, "/deal", "help")
        assert reply.status == 200 and "/deal new" in reply.text
    finally:
        db.engine.dispose()
