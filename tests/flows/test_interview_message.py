"""Issue 17: the interview is ONE message in the rep's DM. Its row remembers that message across
questions and into the verdict; each step says what the message shows (the question with the answers
so far, or the verdict) and whether it moves below the rep's typed text; a stale click is said in it."""

from __future__ import annotations

from bot.flows.qualification import interview as flow
from bot.flows.qualification import navigation as nav
from tests.support.factories import T0
from tests.support.flows import World

REP = "U0REP2"
TS, DM = "1796000000.000100", "D0REP2"


def _start(world: World):  # noqa: ANN202
    deal_id = world.new_deal(owner_id=REP, now=T0, interviewed=False, account="Tidy Co")
    env = dict(settings=world.settings, process=world.process)
    with world.session() as s:
        actor = world.actor(s, REP)
        step = flow.start_or_resume(s, actor, deal_id, T0, **env)
        assert step.ask is not None and step.message_ts is None  # nothing posted yet: post it
        nav.mark_posted(s, actor, step.interview_id, step.ask.key, TS, DM)
    return deal_id, step, env


def test_every_step_updates_the_same_message_and_the_verdict_takes_it_over(world):
    deal_id, step, env = _start(world)
    asked = [step.ask.key]
    with world.session() as s:
        actor = world.actor(s, REP)
        for _ in range(40):
            step = nav.skip(s, actor, step.interview_id, step.ask.key, T0, TS, **env)
            assert step.message_ts == TS and not step.repost  # the same message, updated in place
            assert step.answered.key == asked[-1] and step.transcript[-1].key == asked[-1]
            if step.ask is None:
                break
            asked.append(step.ask.key)
        assert step.verdict is not None and len(step.transcript) == len(world.process.questions.keys)
        shown = flow.verdict_of(s, actor, deal_id, T0, **env)
        assert (shown.channel, shown.ts) == (DM, TS)  # where a choice on it is settled, from the row


def test_a_typed_answer_moves_the_message_below_it_and_a_stale_click_is_said_in_it(world):
    _, step, env = _start(world)
    first = step.ask.key
    with world.session() as s:
        actor = world.actor(s, REP)
        step = flow.answer_typed(s, actor, "pain", T0, **env)
        assert step.ask.key != first and step.repost and step.message_ts == TS
        current = step.ask.key
        step = flow.answer(s, actor, step.interview_id, first, "gain", T0, message_ts=TS, **env)
        assert step.ask.key == current and step.message_ts == TS and not step.repost  # did not move
        assert step.notes == [("qualification.notes.changed", {"question": "Need"})]
        assert [(a.key, flow.plain_value(a.value)) for a in step.transcript][-1] == (first, "gain")
