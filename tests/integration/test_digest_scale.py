"""50 reps and 5,000 open deals: the digest and /funnel stay inside Slack's limits (the sandbox applies
Slack's Block Kit checks and rejects anything Slack would), with top-N lists and "and N more"."""

from __future__ import annotations

from sandbox.checks import check_message
from sandbox.slack_side import SlackSide
from tests.support import funnel_bulk
from tests.support.waits import wait_for

CHANNEL = "C0MANAGERS"


def test_fifty_reps_and_five_thousand_deals_fit_slacks_limits(make_bot, sandbox, db_url, engine):
    funnel_bulk.populate(engine, deals=5000, reps=50, all_open=True)
    bot = make_bot(db_url, DEALBOT_MANAGER_CHANNEL=CHANNEL)
    bot.set_clock("2026-11-23T01:00:00Z")
    assert bot.run_due()["jobs"]["digest"] == 1
    assert [c.error for c in sandbox.state.calls_to("chat.postMessage")] == [None]
    digest = [m for m in sandbox.state.channel_messages(CHANNEL) if m.blocks][0]
    assert check_message({"text": digest.text, "blocks": digest.blocks}) == []
    assert len(digest.blocks) <= 50
    sections = [b["text"]["text"] for b in digest.blocks if b["type"] == "section" and "text" in b]
    assert all(len(s) <= 3000 for s in sections)
    reps = next(s for s in sections if s.startswith("*Reps*"))
    assert reps.count("\n• <@U0BULK") == 10 and reps.endswith("and 40 more reps")
    flags = next(s for s in sections if "Red flags" in s)
    assert "and " in flags and " more" in flags
    stages = next(s for s in sections if s.startswith("*Funnel by stage*"))
    # 5,000 deals over 6 stages: 834 in the first, of which 166 kept at lower contact (i % 10 == 4) are
    # below the funnel (issue 11)
    assert "1. Qualify the prospect — 668 · " in stages and "500 at low contact" in stages

    slack = SlackSide(sandbox, app_url=bot.url)
    reply = slack.command("U0ADMIN", "/funnel")
    assert reply.status == 200 and reply.text == ""  # acked at once; the figures follow
    shown = wait_for(
        lambda: [m for m in sandbox.state.ephemerals("U0ADMIN") if m.source == "response_url"],
        what="the funnel after the ack",
    )
    assert check_message({"text": shown[0].text, "blocks": shown[0].blocks}) == []
    assert shown[0].blocks[0]["text"]["text"] == "Funnel · the team · 23 Nov 2026"
