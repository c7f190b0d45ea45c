"""DEALBOT_QUESTIONS_FILE: a company set is used; an invalid one is refused at start (file, line, reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.bot import bot_env, run_cli
from tests.support.interview import T0, click_answer, db, failed_calls, interviews, register, the_deal

COMPANY = Path(__file__).resolve().parents[1] / "fixtures" / "questions_company.yaml"
BAD_SCORE = COMPANY.read_text().replace('{value: "yes", score: 2, label: {en: "Yes", zh-Hans: "能"}}',
                                        '{value: "yes", score: 3, label: {en: "Yes", zh-Hans: "能"}}')  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (BAD_SCORE, 18, "questions.0.options.0.score: Value error, an option scores 2, 1 or 0"),
        (
            COMPANY.read_text().replace("kind: yes_no", "kind: slider"),
            21,
            "questions.1.kind: Input should be",
        ),
        (
            COMPANY.read_text().replace("pass_line: 5", "pass_line: 50"),
            None,
            "pass_line must be between 1 and the maximum score 6",
        ),
        (
            COMPANY.read_text().replace("  - key: site_visit", "  - key: meets_needs"),
            8,
            "question keys must be unique",
        ),
        ("questions: [\n  - {key: a\n", 2, "not valid YAML"),
    ],
)
def test_an_invalid_question_file_is_refused_at_start(sandbox, dbs, tmp_path, text, line, reason):
    path = tmp_path / "questions.yaml"
    path.write_text(text)
    env = bot_env(sandbox, dbs.fresh(), DEALBOT_QUESTIONS_FILE=str(path))
    done = run_cli("run", "--http", "--port", "0", "--host", "127.0.0.1", env=env, timeout=60)
    assert done.returncode != 0
    err = done.stderr.strip().splitlines()[-1]
    assert err.startswith(f"dealbot: {path}, line {line if line else ''}"), err
    assert reason in err
    assert "Traceback" not in done.stderr


def test_a_company_question_set_with_its_own_weights_knockouts_and_pass_line(make_bot, sandbox):
    from sandbox.slack_side import SlackSide

    bot = make_bot(DEALBOT_QUESTIONS_FILE=str(COMPANY))
    slack = SlackSide(sandbox, app_url=bot.url)
    bot.set_clock(T0)
    register(slack, sandbox, "U0REP2", "Acme Plant 2m", close="2027-03-31")
    click_answer(slack, sandbox, "U0REP2", "yes")  # meets_needs, weight 2: 4 points
    click_answer(slack, sandbox, "U0REP2", "yes")  # site_visit, the company's knock-out question
    click_answer(slack, sandbox, "U0REP2", "yes")  # strategic: 2 points
    with db(bot) as s:
        deal = the_deal(s, "Acme Plant")
        iv = interviews(s, deal.id)[0]
        assert (iv.question_set, iv.score, iv.grade) == ("acme", 6, "A")  # 6 >= 5 + 1, within 6 months
    card = sandbox.state.dm("U0REP2")[-1]
    assert "Score *6* / 6 (pass line 5)" in str(card.blocks)

    register(slack, sandbox, "U0REP2", "Beta Plant 2m", close="2027-03-31")
    click_answer(slack, sandbox, "U0REP2", "yes")
    click_answer(slack, sandbox, "U0REP2", "no")  # no reference visit: knocked out
    click_answer(slack, sandbox, "U0REP2", "yes")
    with db(bot) as s:
        iv = interviews(s, the_deal(s, "Beta Plant").id)[0]
        assert (iv.score, iv.grade, iv.knocked_out) == (6, "D", True)
    assert failed_calls(sandbox) == []
