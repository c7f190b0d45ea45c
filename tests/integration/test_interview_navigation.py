"""Skip, Back, Change, Stop/resume, a stale button click and a restart: their effect on stored answers."""

from __future__ import annotations

import copy

from tests.support.interview import (
    T0,
    all_rows,
    click_answer,
    current_question,
    current_values,
    db,
    failed_calls,
    interviews,
    question_key,
    register,
    the_deal,
)

REP = "U0REP2"


def _start(slack, sandbox, bot, account: str = "Wenzhou Hotel"):  # noqa: ANN001, ANN202
    bot.set_clock(T0)
    register(slack, sandbox, REP, f"{account} 3m", close="2027-01-31")
    with db(bot) as s:
        return interviews(s, the_deal(s, account).id)[0].id


def _state(bot, iid: int):  # noqa: ANN001, ANN202
    with db(bot) as s:
        from storage.models import Interview

        iv = s.get(Interview, iid)
        return iv.status, iv.dm_active, iv.current_key


def _bot_messages(sandbox) -> list:  # noqa: ANN001
    return [m for m in sandbox.state.dm(REP) if m.bot_id]


def test_skip_records_a_skipped_row_and_moves_on(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    q = current_question(sandbox, REP)
    assert question_key(q) == "need"
    slack.click(REP, q, "q_skip")
    # the same message now asks the next question, the skipped one folded above it
    assert question_key(q) == "icp_fit" and "↷ *Need*: skipped" in str(q.blocks)
    assert current_question(sandbox, REP) is q and _bot_messages(sandbox) == [q]
    with db(bot) as s:
        (row,) = all_rows(s, iid, "need")
        assert (row.skipped, row.value, row.answered_by) == (True, None, REP)
    assert failed_calls(sandbox) == []


def test_back_asks_the_previous_question_again_and_a_new_answer_supersedes(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    click_answer(slack, sandbox, REP, "gain")
    q2 = current_question(sandbox, REP)
    slack.click(REP, q2, "q_back")
    again = current_question(sandbox, REP)
    assert again is q2  # the same message asks the previous question again
    assert question_key(again) == "need" and "Now: Gain, a future benefit" in str(again.blocks)
    click_answer(slack, sandbox, REP, "pain")
    assert question_key(current_question(sandbox, REP)) == "icp_fit"  # on to the first unanswered
    with db(bot) as s:
        old, new = all_rows(s, iid, "need")
        assert (old.value, old.superseded_by, new.value, new.superseded_by) == ("gain", new.id, "pain", None)
        assert current_values(s, iid) == {"need": "pain", "close_date": "2027-01-31",
                                          "order_size": {"amount": "3000000", "currency": "CNY"}}  # fmt: skip
    assert failed_calls(sandbox) == []


def test_back_on_the_first_question_says_so_and_changes_nothing(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    q = current_question(sandbox, REP)
    slack.click(REP, q, "q_back")
    assert "This is the first question; there is nothing before it." in str(q.blocks)  # said inline
    assert question_key(q) == "need" and _bot_messages(sandbox) == [q]
    assert _state(bot, iid) == ("active", True, "need")


def test_change_an_answer_from_the_menu(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    click_answer(slack, sandbox, REP, "pain")
    click_answer(slack, sandbox, REP, "yes")  # icp_fit
    slack.click(REP, current_question(sandbox, REP), "q_menu", selected=f"change:{iid}:hard_constraint")
    picker = sandbox.state.dm(REP)[-1]
    assert picker.text == "Which answer do you want to change?"
    slack.click(REP, picker, "q_change", selected=f"{iid}:icp_fit")
    q = current_question(sandbox, REP)
    assert question_key(q) == "icp_fit" and "Now: Yes, a typical customer (2)" in str(q.blocks)
    assert _bot_messages(sandbox) == [q]  # the used picker and the old question message are gone
    click_answer(slack, sandbox, REP, "partly")
    assert question_key(current_question(sandbox, REP)) == "hard_constraint"
    with db(bot) as s:
        rows = all_rows(s, iid, "icp_fit")
        assert [(r.value, r.superseded_by is None) for r in rows] == [
            ({"choice": "yes", "score": 2}, False),
            ({"choice": "partly", "score": 1}, True),
        ]
    assert failed_calls(sandbox) == []


def test_stop_then_resume_continues_at_the_same_question(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    click_answer(slack, sandbox, REP, "pain")
    q = current_question(sandbox, REP)
    slack.click(REP, q, "q_menu", selected=f"stop:{iid}:icp_fit")
    assert q.text.startswith("Stopped for now.") and "q:" not in str(q.blocks)  # the same message
    assert "qualify_start" in str(q.blocks) and _bot_messages(sandbox) == [q]  # ...with Resume
    assert _state(bot, iid) == ("paused", False, "icp_fit")
    slack.dm(REP, "yes")  # typed text while paused goes nowhere
    assert "I read typed answers while a qualification interview is running" in sandbox.state.dm(REP)[-1].text
    reply = slack.command(REP, "/deal", "qualify wenzhou")
    assert "in your DM" in reply.json["text"]
    assert question_key(current_question(sandbox, REP)) == "icp_fit"
    assert _state(bot, iid) == ("active", True, "icp_fit")
    slack.dm(REP, "partly")
    with db(bot) as s:
        assert current_values(s, iid)["icp_fit"] == {"choice": "partly", "score": 1}
    assert failed_calls(sandbox) == []


def test_a_stale_click_changes_that_answer_once_and_says_so(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    q1 = copy.deepcopy(current_question(sandbox, REP))  # as a slow client still shows it
    click_answer(slack, sandbox, REP, "pain")
    click_answer(slack, sandbox, REP, "yes")
    slack.click(REP, q1, "q_answer:gain")  # the old question's button, after the conversation moved on
    current = current_question(sandbox, REP)
    assert "Changed your answer to *Need*." in str(current.blocks)  # said in the interview's message
    assert "✓ *Need*: Gain" in str(current.blocks)  # ...whose folded answers show the new one
    assert question_key(current) == "hard_constraint"  # the interview did not move
    slack.click(REP, q1, "q_answer:gain")  # the same click again: never counted twice
    assert "already recorded" in str(current_question(sandbox, REP).blocks)
    assert len(_bot_messages(sandbox)) == 1
    with db(bot) as s:
        assert [r.value for r in all_rows(s, iid, "need")] == ["pain", "gain"]
        assert current_values(s, iid)["need"] == "gain"
        assert len(all_rows(s, iid, "icp_fit")) == 1
    assert failed_calls(sandbox) == []


def test_double_click_on_the_current_question_is_counted_once(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    q1 = copy.deepcopy(current_question(sandbox, REP))
    slack.click(REP, q1, "q_answer:pain")
    slack.click(REP, q1, "q_answer:pain")
    with db(bot) as s:
        assert len(all_rows(s, iid, "need")) == 1
    assert question_key(current_question(sandbox, REP)) == "icp_fit"


def test_restart_mid_interview_continues_at_the_same_question(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    click_answer(slack, sandbox, REP, "pain")
    click_answer(slack, sandbox, REP, "yes")
    bot.restart()
    bot.set_clock(T0)
    assert question_key(current_question(sandbox, REP)) == "hard_constraint"
    slack.dm(REP, "no")  # typed, after the restart
    assert question_key(current_question(sandbox, REP)) == "meets_needs"
    click_answer(slack, sandbox, REP, "partly")
    assert question_key(current_question(sandbox, REP)) == "budget"
    with db(bot) as s:
        values = current_values(s, iid)
        assert [values[k] for k in ("need", "icp_fit", "hard_constraint", "meets_needs")] == [
            "pain",
            {"choice": "yes", "score": 2},
            "no",
            {"choice": "partly", "score": 1},
        ]
    assert failed_calls(sandbox) == []


def test_another_rep_cannot_answer_someone_elses_interview(slack, sandbox, bot):
    iid = _start(slack, sandbox, bot)
    q = current_question(sandbox, REP)
    slack.click("U0REP1", q, "q_answer:pain")
    with db(bot) as s:
        assert all_rows(s, iid, "need") == []
