"""The manager's weekly review (SPEC §5, §7.1): every deal's week per rep, and the manager's word back."""

from bot.flows.review.acts import Said, agree, ask_checkin, challenge, comment, reply
from bot.flows.review.view import (
    DealReview,
    LastWeek,
    RepReview,
    TeamLine,
    build_review,
    open_review,
    rep_review,
    reviewable_reps,
    reviews,
    team_week,
)

__all__ = [
    "DealReview",
    "LastWeek",
    "RepReview",
    "Said",
    "TeamLine",
    "agree",
    "ask_checkin",
    "build_review",
    "challenge",
    "comment",
    "open_review",
    "rep_review",
    "reply",
    "reviewable_reps",
    "reviews",
    "team_week",
]
