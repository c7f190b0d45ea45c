"""Bad input gets a clear message in the user's language and loses nothing stored (SPEC §10)."""

from __future__ import annotations

from storage.models import Deal, Milestone, Person

REP = "U0REP2"


def test_bad_amounts_long_texts_sql_and_emoji(slack, sandbox, db):
    deal = db.add_deal(owner_id=REP, account="Bad Input Co", stage="deliver")
    slack.command(REP, "/deal", "won bad input")
    for amount in ("abc", "-5", "1e400", "💰"):
        reply = slack.submit(REP, {"amount": amount, "paid_on": "2020-01-01"})
        assert reply.json["errors"] == {"amount": "Type an amount, e.g. 3,000,000 or 300万."}, amount
    assert db.deal(deal.id).status == "open"

    reply = slack.command(REP, "/deal", "'; DROP TABLE deal; --")
    assert "couldn't find" in reply.text
    assert len(db.rows(Deal)) == 1

    slack.command(REP, "/deal", "people bad input")
    reply = slack.submit(
        REP, {"name": "x" * 10_000, "role": "coach", "attitude": "neutral", "influence": "3"}
    )
    assert reply.json["errors"] == {"name": "Too long: at most 200 characters."}
    reply = slack.submit(
        REP, {"name": "王经理 👍 '; --", "role": "coach", "attitude": "neutral", "influence": "3"}
    )
    assert reply.json["response_action"] == "update"
    assert [p.name for p in db.people(deal.id)] == ["王经理 👍 '; --"]

    db2 = db.add_deal(owner_id=REP, account="Long Reason Co")
    slack.command(REP, "/deal", "advance long reason")
    reply = slack.submit(REP, {"force_reason": "y" * 10_000})
    assert reply.json["errors"] == {"force_reason": "Too long: at most 2000 characters."}
    assert db.deal(db2.id).stage == "qualify" and db.rows(Milestone, deal_id=db2.id) == []
    assert db.rows(Person, deal_id=db2.id) == []


def test_chinese_user_gets_chinese_errors(slack, sandbox, db):
    db.add_deal(owner_id="U0REP1", account="温州锅炉")
    slack.command("U0REP1", "/deal", "lost 温州")
    reply = slack.submit("U0REP1", {"reason": "price", "competitor": "", "note": "贵"})
    assert reply.json["errors"] == {"competitor": "此项必填。"}
