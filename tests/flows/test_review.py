"""The manager's weekly review (issue 15): a rep's week reaches their managers (and admins) only; the
manager's word back (comment / answer, ask for a check-in, agree / challenge a verdict or a day-30
judgement) is in the deal's history; deals that need the manager come first; 40 deals stay within
Slack's limits; the weekly DM goes once per manager and week with two schedulers."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.blocks.review import review_message, team_week_message
from bot.flows import review
from bot.flows.errors import NotAllowed
from bot.flows.followups.answers import CheckinForm
from bot.i18n.format import format_date
from bot.jobs import review as review_job
from sandbox.checks import check_message
from storage.models import Interview, ManagerRep, Membership, ReviewOpen, ReviewRun
from tests.support.factories import T0
from tests.support.flows import sent, utc
from tests.support.pipeline import all_text

REP, OTHER, MGR, ADMIN = "U0REP1", "U0REP2", "U0MGR", "U0ADMIN"


@pytest.fixture
def team(world):
    """MGR manages REP1; REP2 is a manager too, of nobody's deals here (another manager)."""
    world.meet(REP, OTHER, MGR, ADMIN, now=T0)
    with world.session() as s:
        s.add(Membership(team_id="T0SANDBOX", user_id=MGR, role="manager"))
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id=MGR, rep_id=REP))
        s.add(Membership(team_id="T0SANDBOX", user_id=OTHER, role="manager"))
    return world


def _review(world, who: str, rep: str, now):  # noqa: ANN001, ANN202
    with world.session() as s:
        r = review.build_review(s, world.actor(s, who, now=now), rep, now=now)
        stages = world.stages(s)
    return r, review_message(r, stages, "en")


def _checkin(world, deal_id: int, now, **form):  # noqa: ANN001, ANN003
    with world.session() as s:
        world.checkin(s, world.actor(s, REP, now=now), deal_id, CheckinForm(**form), now=now)


def test_a_day_1_checkin_reaches_the_reps_managers_review_and_not_another_managers(team):
    world = team
    deal = world.new_deal(owner_id=REP, now=T0, account="Wenzhou Hotel", grade="B")
    day1 = T0 + timedelta(days=1)
    _checkin(world, deal, day1, done_text="Met the chief engineer", progress=True,
             progress_text="Boiler spec agreed", blockers="Finance head unreachable")  # fmt: skip
    now = T0 + timedelta(days=3)
    r, msg = _review(world, MGR, REP, now)
    text = all_text(msg)
    assert (
        "Met the chief engineer" in text
        and "Boiler spec agreed" in text
        and "Finance head unreachable" in text
    )
    assert r.deals[0].needs == ["verdict", "blocker"]  # registered this week: a new prospect too
    _, admin_msg = _review(world, ADMIN, REP, now)
    assert "Finance head unreachable" in all_text(admin_msg)
    for who in (OTHER, REP):  # another manager; the rep himself
        with world.session() as s, pytest.raises(NotAllowed):
            review.build_review(s, world.actor(s, who, now=now), REP, now=now)
    with world.session() as s:  # App Home: this week's review first, for the manager (and admin) only
        from bot.blocks.home import home_view

        home = all_text(home_view(world.home(s, world.actor(s, MGR, now=now), now=now)))
        assert home.index("This week's review") < home.index("Needs you today") and f"<@{REP}>" in home
        assert "周例会" not in all_text(
            home_view(world.home(s, world.actor(s, OTHER, now=now), now=now))
        )  # zh
    with world.session() as s:  # the weekly DM lines: the manager's reps only
        assert [x.rep_id for x in review.team_week(s, "T0SANDBOX", [REP], now=now)] == [REP]
        assert review.reviewable_reps(s, world.actor(s, OTHER, now=now)) == []


def test_comment_and_answer_are_in_the_deal_history_with_the_checkin(team):
    world = team
    deal = world.new_deal(owner_id=REP, now=T0, account="Wenzhou Hotel")
    now = T0 + timedelta(days=1)
    _checkin(world, deal, now - timedelta(hours=1), done_text="Site visit", progress=False)
    with world.session() as s:
        said = review.comment(s, world.actor(s, MGR, now=now), deal, "Who signs the budget?", now=now)
        note_id = said.note.id
        assert said.to == REP
    with world.session() as s, pytest.raises(NotAllowed):  # only the deal's rep answers
        review.reply(s, world.actor(s, MGR, now=now), note_id, "me", now=now)
    with world.session() as s:
        back = review.reply(s, world.actor(s, REP, now=now), note_id, "The GM, Mr Zhou", now=now)
        assert back.to == MGR
    with world.session() as s:
        history = all_text(world.history(s, world.actor(s, REP, now=now), deal, now=now))
    assert history.index("Site visit") < history.index("Who signs the budget?") < history.index("Mr Zhou")
    from bot.blocks.deal_card import deal_card_message

    with world.session() as s:  # the rep's deal card shows them too, in order
        card = all_text(deal_card_message(world.card(s, world.actor(s, REP, now=now), deal, now=now), "en"))
    assert card.index("Site visit") < card.index("Who signs the budget?") < card.index("Mr Zhou")
    r, msg = _review(world, MGR, REP, now + timedelta(days=1))
    assert r.answered == 1 and "the rep: The GM, Mr Zhou" in all_text(msg)


def test_ask_for_a_checkin_is_a_nudge_per_request_the_rep_gets(team):
    world = team
    deal = world.new_deal(owner_id=REP, now=T0)
    now = utc(2026, 11, 4, 2)  # Wed 10:00 in Shanghai
    with world.session() as s:
        review.ask_checkin(s, world.settings, world.actor(s, MGR, now=now), deal, now=now)
        review.ask_checkin(s, world.settings, world.actor(s, MGR, now=now), deal, now=now)
    rows = world.nudges(deal_id=deal, kind="checkin_requested")
    assert len(rows) == 2 and len({r.cycle for r in rows}) == 2
    world.run_sweep(now)
    asked = sent(world, REP, "checkin_requested")
    assert len(asked) == 2 and "经理请你汇报跟进" in str(asked[0][1].blocks)
    assert world.events(deal, "checkin_asked")


def _verdict(world, deal_id: int, now, **fields) -> None:  # noqa: ANN001, ANN003
    with world.session() as s:
        s.add(Interview(team_id="T0SANDBOX", deal_id=deal_id, rep_id=REP, status="done", started_at=now,
                        finished_at=now, **fields))  # fmt: skip


def test_agree_with_one_verdict_challenge_another_and_the_outcome_comes_back(team):
    world = team
    a = world.new_deal(owner_id=REP, now=T0, account="Agreed Co", interviewed=False)
    b = world.new_deal(owner_id=REP, now=T0, account="Challenged Co", interviewed=False)
    now = T0 + timedelta(days=2)
    _verdict(world, a, now, score=16, grade="A", recommendation="pursue")
    _verdict(world, b, now, score=9, grade="C", knocked_out=True, recommendation="drop")
    r, msg = _review(world, MGR, REP, now)
    assert all("verdict" in d.needs for d in r.deals) and "knock-out" in all_text(msg)
    with world.session() as s:
        mgr = world.actor(s, MGR, now=now)
        review.agree(s, mgr, a, "verdict", now=now)
        note = review.challenge(s, mgr, b, "verdict", "The owner has no budget this year", now=now).note.id
    r, _ = _review(world, MGR, REP, now)
    needs = {d.account: d.needs for d in r.deals}
    assert needs["Agreed Co"] == [] and needs["Challenged Co"] == ["challenged"]
    with world.session() as s:
        back = review.reply(
            s, world.actor(s, REP, now=now), note, "Confirmed with the coach: dropping it", now=now
        )
    assert back.to == MGR and back.note.kind == "challenge"
    r, msg = _review(world, MGR, REP, now)
    assert r.resolved == 1 and "dropping it" in all_text(msg)
    assert world.events(b, "review_challenge") and world.events(b, "review_resolved")
    assert world.events(a, "review_agree")


def test_a_day_30_keep_is_shown_with_its_recommendation_and_can_be_challenged(team):
    world = team
    deal = world.new_deal(owner_id=REP, now=T0, grade="B")
    at = utc(2026, 12, 2, 2)
    world.run_sweep(at)
    n30 = next(n for n, _ in sent(world, REP, "followup_30"))
    with world.session() as s:
        world.keep(s, world.actor(s, REP, now=at), n30.id, now=at)
    r, msg = _review(world, MGR, REP, at + timedelta(hours=1))
    d = r.deals[0]
    assert (d.judgement.decision, d.judgement.recommended) == ("keep", "drop")
    assert "judgement" in d.needs and "keep (dealbot recommended drop)" in all_text(msg)
    with world.session() as s:
        review.challenge(
            s, world.actor(s, MGR, now=at), deal, "judgement", "Nothing happened in 30 days", now=at
        )
    r, _ = _review(world, MGR, REP, at + timedelta(hours=1))
    assert r.deals[0].needs[0] == "challenged"


def test_challenged_judgement_and_blocker_come_before_a_quiet_a_deal(team):
    world = team
    now = T0 + timedelta(days=10)  # registered (and screened) ten days ago: no new verdicts this week
    quiet_a = world.new_deal(owner_id=REP, now=T0, account="Quiet A", grade="A")
    blocked = world.new_deal(owner_id=REP, now=T0, account="Blocked C", grade="C")
    judged = world.new_deal(owner_id=REP, now=T0, account="Judged D", grade="D")
    _checkin(world, blocked, now - timedelta(days=1), done_text="Call", progress=False, blockers="No budget")
    with world.session() as s:
        review.challenge(s, world.actor(s, MGR, now=now), judged, "judgement", "Really?", now=now)
    r, _ = _review(world, MGR, REP, now)
    order = [d.deal_id for d in r.deals]
    assert order.index(judged) < order.index(quiet_a) and order.index(blocked) < order.index(quiet_a)
    assert r.deals[-1].needs == []


def test_a_review_of_40_deals_stays_within_slacks_limits(team):
    world = team
    now = T0 + timedelta(days=5)
    ids_ = [world.new_deal(owner_id=REP, now=T0, account=f"Account {i:02d} " + "长" * 150, title="x" * 190,
                           grade="ABCD"[i % 4]) for i in range(40)]  # fmt: skip
    for d in ids_:
        _checkin(world, d, T0 + timedelta(days=1), done_text="做" * 2900, progress=True,
                 progress_text="进" * 2900, blockers="阻" * 2900, next_step="下" * 480)  # fmt: skip
    with world.session() as s:
        r = review.build_review(s, world.actor(s, MGR, now=now), REP, now=now)
        stages = world.stages(s)
    from bot.blocks.review import pages

    seen: list[int] = []
    for page in range(pages(r)):
        msg = review_message(r, stages, "zh-Hans", page=page)
        assert check_message(msg) == [], page
        for b in msg["blocks"]:
            in_block = {int(o["value"].split(":")[1]) for o in (b.get("accessory") or {}).get("options", [])}
            assert len(in_block) <= 1
            seen += in_block
    assert sorted(seen) == sorted(ids_)  # every deal once, whole in one block of one page
    with world.session() as s:
        lines = review.team_week(s, "T0SANDBOX", [REP], now=now)
    assert check_message(team_week_message(lines, "en", week_of="2026-11-02")) == []


class Recorder:
    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.lock = threading.Lock()

    def chat_postMessage(self, **kw):  # noqa: N802, ANN003, ANN201
        with self.lock:
            self.posts.append(kw)
        return {"ok": True, "ts": f"{len(self.posts)}.0"}


def test_the_weekly_dm_goes_once_per_manager_and_week_with_two_schedulers(team):
    world = team
    world.new_deal(owner_id=REP, now=T0)
    with world.session() as s:
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id=OTHER, rep_id=REP))
    client = Recorder()
    now = T0 + timedelta(days=7, hours=1)  # after next Monday's digest time
    workers = [replace(world.deps, worker_id=f"w{i}") for i in range(2)]
    start = threading.Barrier(2)

    def run(deps) -> None:  # noqa: ANN001
        start.wait()
        for _ in range(3):
            review_job.send_reviews(deps, client, now)

    threads = [threading.Thread(target=run, args=(d,)) for d in workers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(p["channel"] for p in client.posts) == sorted([OTHER, MGR])
    assert "Wang Li" not in str(client.posts) and f"<@{REP}>" in str(client.posts)
    assert [r.status for r in world.rows(ReviewRun)] == ["sent", "sent"]
    review_job.send_reviews(workers[0], client, now + timedelta(days=7))  # the week after: one more each
    assert len(client.posts) == 4


def test_a_lost_deal_whose_winner_was_never_recorded_raises_the_alarm_in_its_managers_loss_review(team):
    from bot.blocks.review import loss_review_message
    from bot.flows.review.loss import loss_review
    from storage.models import Deal

    world = team
    seen = world.new_deal(owner_id=REP, now=T0, account="Seen Co")
    unseen = world.new_deal(owner_id=REP, now=T0, account="Unseen Co")
    day2 = T0 + timedelta(days=2)
    _checkin(world, seen, day2, done_text="Acme Boilers quoted 8% lower", progress=False)
    _checkin(world, unseen, day2, done_text="Demo went well", progress=False, blockers="Budget slips")
    lost_at = T0 + timedelta(days=9)
    with world.session() as s:
        rep = world.actor(s, REP, now=lost_at)
        world.advance(s, rep, unseen, now=lost_at - timedelta(days=1), force_reason="customer pushed")
        reason = world.config(s).lost_reasons[0]
        world.lost(s, rep, seen, now=lost_at, reason=reason, competitor="Acme Boilers", note="price")
        world.lost(s, rep, unseen, now=lost_at, reason=reason, competitor="Beta Heat", note="came late")
    with world.session() as s:
        a, b = loss_review(s, s.get(Deal, seen)), loss_review(s, s.get(Deal, unseen))
        stages = world.stages(s)
    assert not a.alarm and a.winner_recorded
    assert b.alarm and b.died_in != "qualify" and any(m.forced for m in b.moves) and b.coach_at is None
    text = all_text(loss_review_message(b, stages, "en"))
    assert "Beta Heat won, and was never recorded" in text and "Budget slips" in text and "Coach" in text
    assert "never recorded" not in all_text(loss_review_message(a, stages, "en"))
    assert check_message(loss_review_message(b, stages, "zh-Hans")) == []
    client = Recorder()
    for worker in ("w1", "w2"):  # its managers get it once (and the weekly DM once)
        review_job.send_reviews(replace(world.deps, worker_id=worker), client, lost_at + timedelta(hours=1))
    losses = [p for p in client.posts if "Loss review" in p["text"]]
    assert sorted(p["channel"] for p in losses) == [MGR, MGR] and len({p["text"] for p in losses}) == 2
    with world.session() as s:  # "why we lose" in the digest: where they died, the winners never recorded
        shown = world.digest(s, channel_id="C0MGRS", week=lost_at, now=lost_at + timedelta(hours=1))
    assert shown.figures.unseen_winners == (1, 2)
    digest = all_text(shown.message)
    assert "Lost to a winner we never recorded as a competitor: 1 of 2" in digest and "Died in: " in digest


def test_the_review_shows_the_reps_share_of_selling_time_this_week(team):
    """Issue 16's end-of-day answers (mostly selling 1, half 0.5, mostly other 0) reach the review."""
    from storage.models import SellingDay

    world = team
    world.new_deal(owner_id=REP, now=T0, account="Wenzhou Hotel", grade="B")
    now = T0 + timedelta(days=7)
    with world.session() as s:
        for i, answer in enumerate(["selling", "selling", "half", "other"]):
            day = (T0 + timedelta(days=i + 1)).date()
            s.add(
                SellingDay(
                    team_id="T0SANDBOX",
                    rep_id=REP,
                    day=day,
                    due_at=T0,
                    status="answered",
                    answer=answer,
                    created_at=T0,
                )
            )
    r, message = _review(world, MGR, REP, now)
    assert r.selling_share == 0.625  # (1 + 1 + 0.5 + 0) / 4
    assert "time for selling: 62%" in all_text(message["blocks"])
    other, _ = _review(world, MGR, REP, now + timedelta(days=14))  # a week with no answer: not shown
    assert other.selling_share is None


def test_next_weeks_dm_says_whether_each_manager_opened_last_weeks_review(team):
    """Reviewed, not just posted: opening a rep's review is recorded per (reader, rep, week); the next
    weekly DM (and the review itself) says "you opened it on …" or "you did not open it"."""
    world = team
    world.new_deal(owner_id=REP, now=T0)
    with world.session() as s:
        s.add(ManagerRep(team_id="T0SANDBOX", manager_id=OTHER, rep_id=REP))
    client = Recorder()
    week1 = T0 + timedelta(days=7, hours=1)
    review_job.send_reviews(world.deps, client, week1)  # both managers get last week's DM
    first = {p["channel"]: all_text(p) for p in client.posts}
    assert (
        "last week" not in first[MGR] and "last week" not in first[OTHER]
    )  # no review before: nothing to say
    opened_at = week1 + timedelta(days=1)
    with world.session() as s:
        zone = world.config(s).zone
        for _ in range(2):  # opened twice (say, page 1 then page 2): one record
            r = review.open_review(s, world.actor(s, MGR, now=opened_at), REP, now=opened_at, zone=zone)
        assert r.last_week is None  # the week before had no DM: nothing to say
    assert [(o.reader_id, o.rep_id, o.times) for o in world.rows(ReviewOpen)] == [(MGR, REP, 2)]
    review_job.send_reviews(world.deps, client, week1 + timedelta(days=7))
    second = {p["channel"]: all_text(p) for p in client.posts[2:]}
    day = format_date(opened_at, "en")
    assert f"last week: you opened this review on {day}" in second[MGR]
    assert "last week: you did not open this review" in second[OTHER]
    later = week1 + timedelta(days=8)
    with world.session() as s:  # the review OTHER opens says the same, and App Home's lines too
        r = review.open_review(s, world.actor(s, OTHER, now=later), REP, now=later, zone=zone)
        stages = world.stages(s)
        from bot.blocks.home import home_view

        home = all_text(home_view(world.home(s, world.actor(s, MGR, now=later), now=later)))
    assert "last week: you did not open this review" in all_text(review_message(r, stages, "en"))
    assert f"last week: you opened this review on {day}" in home
    assert "上周：你没有打开这份周例会材料" in all_text(review_message(r, stages, "zh-Hans"))
