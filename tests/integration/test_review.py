"""The weekly review through the sandbox over signed HTTP (issue 15): a rep's check-in reaches their
manager's weekly DM, the review opened from it and `/funnel review @rep` — not another manager's; the
manager comments from the review, the rep gets it in a DM and answers, the manager gets the answer; all
of it is in `/deal history`. The rules and sizes: tests/flows/test_review.py."""

from __future__ import annotations

from sqlmodel import select

from bot import ids
from sandbox.checks import check_message
from storage.models import ManagerRep, Membership, ReviewOpen
from tests.support.pipeline import all_text, last_to

REP, MGR, OTHER = "U0REP2", "U0MGR", "U0REP1"


def _dms(sandbox, user: str) -> list:  # noqa: ANN001
    return [m for m in sandbox.state.messages if m.bot_id and m.channel == sandbox.state.dm_channel(user)]


def test_checkin_reaches_the_managers_review_comment_and_answer_are_in_the_history(slack, sandbox, bot, db):
    with db.session() as s:
        s.add(Membership(team_id="T0SANDBOX", user_id=MGR, role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id=MGR, rep_id=REP))
        s.add(Membership(team_id="T0SANDBOX", user_id=OTHER, role="manager"))  # another manager
        s.commit()
    bot.set_clock("2026-11-23T02:00:00Z")
    deal = db.add_deal(owner_id=REP, account="Harbin Steam", grade="A", earned_rung="qualify")
    bot.set_clock("2026-11-24T15:00:00Z")  # day 1
    slack.command(REP, "/deal", "harbin")
    slack.click(REP, last_to(sandbox, REP), ids.ACT_CHECKIN_OPEN)
    slack.submit(REP, {"done": "Met the plant director", "progress": "yes", "progress_text": "Tender scope shared",
                       "blockers": "Procurement wants a second bidder"})  # fmt: skip

    bot.set_clock("2026-11-30T01:30:00Z")  # Monday, the digest's hour in Shanghai (no digest channel set)
    bot.run_due()
    week = [m for m in _dms(sandbox, MGR) if "Your team's week" in m.text]
    assert len(week) == 1 and f"<@{REP}>" in all_text(week[0].blocks)
    assert not any("Your team's week" in m.text for m in _dms(sandbox, OTHER))
    bot.run_due()  # once per manager and week
    assert len([m for m in _dms(sandbox, MGR) if "Your team's week" in m.text]) == 1

    slack.click(MGR, week[0], ids.ACT_REVIEW_OPEN)
    review = _dms(sandbox, MGR)[-1]
    text = all_text(review.blocks)
    assert "Tender scope shared" in text and "Procurement wants a second bidder" in text
    assert check_message({"text": review.text, "blocks": review.blocks}) == []

    shown = slack.command(MGR, "/funnel", "review @sam.carter")
    assert "Procurement wants a second bidder" in all_text(shown.json["blocks"])
    refused = slack.command(OTHER, "/funnel", "review @sam.carter")
    assert "Procurement" not in refused.text and "无权" in refused.text  # U0REP1 reads Chinese

    slack.click(
        MGR, review, ids.ACT_REVIEW_MENU, selected=f"comment:{deal.id}", block_id=f"review_deal_{deal.id}"
    )
    assert sandbox.state.open_modal(MGR)["callback_id"] == ids.VIEW_REVIEW_NOTE
    assert slack.submit(MGR, {"text": "Who is the second bidder? Ask your coach."}).status == 200
    to_rep = _dms(sandbox, REP)[-1]
    assert "Ask your coach" in to_rep.text and "Harbin Steam" in to_rep.text
    slack.click(REP, to_rep, ids.ACT_REVIEW_REPLY)
    assert slack.submit(REP, {"text": "Acme Boilers, per the coach"}).status == 200
    assert "Acme Boilers, per the coach" in _dms(sandbox, MGR)[-1].text

    slack.command(REP, "/deal", "history harbin")
    history = all_text(last_to(sandbox, REP).blocks)
    assert (
        history.index("Met the plant director")
        < history.index("Ask your coach")
        < history.index("Acme Boilers, per the coach")
    )


def test_ask_for_a_checkin_agree_and_challenge_verdicts_and_a_day_30_keep(slack, sandbox, bot, db):
    from datetime import UTC, datetime

    from storage.models import Interview, Nudge

    with db.session() as s:
        s.add(Membership(team_id="T0SANDBOX", user_id=MGR, role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id=MGR, rep_id=REP))
        s.commit()
    t0 = datetime(2026, 11, 23, 15, tzinfo=UTC)  # Mon 10:00 New York
    bot.set_clock(t0.isoformat())
    slack.command(REP, "/deal", "list")  # the bot has seen the rep: their zone (New York) is known
    good = db.add_deal(owner_id=REP, account="Agreed Works", now=t0)
    doubtful = db.add_deal(owner_id=REP, account="Doubtful Mills", now=t0)
    kept = db.add_deal(owner_id=REP, account="Kept Yards", now=t0, grade="B")
    with db.session() as s:
        for d, score, grade, ko in ((good, 17, "A", False), (doubtful, 8, "C", True)):
            s.add(Interview(team_id="T0SANDBOX", deal_id=d.id, rep_id=REP, status="done", score=score, grade=grade,
                            knocked_out=ko, recommendation="pursue", started_at=t0, finished_at=t0))  # fmt: skip
        s.add(Nudge(team_id="T0SANDBOX", deal_id=kept.id, owner_id=REP, kind="followup_30", cycle=0, due_at=t0,
                    send_after=t0, available_at=t0, created_at=t0))  # fmt: skip
        s.commit()
    bot.run_due()  # the day-30 review reaches the rep, who keeps the deal
    day30 = next(m for m in _dms(sandbox, REP) if "Kept Yards" in m.text)
    slack.click(REP, day30, ids.ACT_NUDGE_KEEP)
    assert db.events(kept.id, "day30")[0].to_value == "keep"

    slack.command(MGR, "/funnel", "review @sam.carter")
    review = last_to(sandbox, MGR)
    text = all_text(review.blocks)
    assert "knock-out" in text and "Day-30 judgement this week: keep" in text

    slack.click(
        MGR, review, ids.ACT_REVIEW_MENU, selected=f"checkin:{good.id}", block_id=f"review_deal_{good.id}"
    )
    slack.click(
        MGR,
        review,
        ids.ACT_REVIEW_MENU,
        selected=f"agree_verdict:{good.id}",
        block_id=f"review_deal_{good.id}",
    )
    assert "agreed with the verdict of Agreed Works" in _dms(sandbox, REP)[-1].text
    slack.click(
        MGR,
        review,
        ids.ACT_REVIEW_MENU,
        selected=f"challenge_verdict:{doubtful.id}",
        block_id=f"review_deal_{doubtful.id}",
    )
    slack.submit(MGR, {"text": "A knock-out: why pursue?"})
    challenge = _dms(sandbox, REP)[-1]
    assert "A knock-out: why pursue?" in challenge.text and "look at it again" in challenge.text
    slack.click(REP, challenge, ids.ACT_REVIEW_REPLY)
    slack.submit(REP, {"text": "Right: dropping it"})
    assert "Right: dropping it" in _dms(sandbox, MGR)[-1].text
    slack.click(
        MGR,
        review,
        ids.ACT_REVIEW_MENU,
        selected=f"challenge_judgement:{kept.id}",
        block_id=f"review_deal_{kept.id}",
    )
    slack.submit(MGR, {"text": "Nothing moved in 30 days"})
    assert "Nothing moved in 30 days" in _dms(sandbox, REP)[-1].text

    asked = db.rows(Nudge, deal_id=good.id, kind="checkin_requested")
    assert len(asked) == 1
    bot.run_due()  # the check-in request reaches the rep (10:00 in New York: working time)
    assert any(
        "asks for a check-in" in m.text or "asks for a check-in" in all_text(m.blocks)
        for m in _dms(sandbox, REP)
    )
    kinds = {e.kind for d in (good, doubtful, kept) for e in db.events(d.id)}
    assert {"checkin_asked", "review_agree", "review_challenge", "review_resolved", "day30"} <= kinds


def test_a_review_of_40_deals_passes_the_sandboxs_block_kit_checks_page_by_page(slack, sandbox, bot, db):
    from datetime import UTC, datetime

    from storage.models import CheckIn

    with db.session() as s:
        s.add(Membership(team_id="T0SANDBOX", user_id=MGR, role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id=MGR, rep_id=REP))
        s.commit()
    t0 = datetime(2026, 11, 24, 3, tzinfo=UTC)
    bot.set_clock(t0.isoformat())
    for i in range(40):
        d = db.add_deal(owner_id=REP, account=f"Account {i:02d} " + "x" * 150, title="y" * 190, now=t0)
        with db.session() as s:
            s.add(CheckIn(team_id="T0SANDBOX", deal_id=d.id, rep_id=REP, done_text="d" * 2900, progress=True,
                          progress_text="p" * 2900, blockers="b" * 2900, next_step="n" * 480, created_at=t0))  # fmt: skip
            s.commit()
    bot.set_clock("2026-11-30T01:30:00Z")
    bot.run_due()
    week = next(m for m in _dms(sandbox, MGR) if "Your team's week" in m.text)
    slack.click(MGR, week, ids.ACT_REVIEW_OPEN)
    seen = set()
    for page in range(3):  # every page was posted through the sandbox's chat.postMessage checks
        review = _dms(sandbox, MGR)[-1]
        assert f"page {page + 1}/3" in review.text
        seen |= {
            b["block_id"] for b in review.blocks if str(b.get("block_id", "")).startswith("review_deal_")
        }
        if page < 2:
            slack.click(MGR, review, ids.ACT_REVIEW_OPEN, value=f"{REP}:{page + 1}")
    assert len(seen) == 40

    # reviewed, not just posted: next Monday's DM says the manager opened this rep's review last week
    with db.session() as s:
        opened = s.exec(select(ReviewOpen)).all()
    assert [(o.reader_id, o.rep_id) for o in opened] == [(MGR, REP)]  # the click and /funnel review: one week
    bot.set_clock("2026-12-07T01:30:00Z")
    bot.run_due()
    weeks = [m for m in _dms(sandbox, MGR) if "Your team's week" in m.text]
    assert len(weeks) == 2
    assert "last week: you opened this review on 30 Nov 2026" in all_text(weeks[-1].blocks)
