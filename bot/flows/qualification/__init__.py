"""Qualification: register a prospect, interview the rep, score the risk, grade A–D, act on the verdict."""

from bot.flows.qualification.grading import assess_interview, regrade
from bot.flows.qualification.interview import answer, answer_date, answer_typed, start_or_resume
from bot.flows.qualification.navigation import back, change, skip, stop
from bot.flows.qualification.registration import check_draft, draft_from_command, register
from bot.flows.qualification.scoring import grade_prospect, recommend, score_prospect
from bot.flows.qualification.verdict_actions import keep_lower, pursue

__all__ = [
    "answer",
    "answer_date",
    "answer_typed",
    "assess_interview",
    "back",
    "change",
    "check_draft",
    "draft_from_command",
    "grade_prospect",
    "keep_lower",
    "pursue",
    "recommend",
    "regrade",
    "register",
    "score_prospect",
    "skip",
    "start_or_resume",
    "stop",
]
