"""The pipeline: stages and their milestone gates, outcomes, edits, people, the card, App Home."""

from bot.flows.pipeline.edit import edit_deal
from bot.flows.pipeline.home import build_home
from bot.flows.pipeline.outcomes import mark_dropped, mark_lost, mark_won, put_on_hold, reopen
from bot.flows.pipeline.people import list_people, save_person
from bot.flows.pipeline.stage import advance, plan_advance
from bot.flows.pipeline.status import deal_card, deal_history, visible_summaries

__all__ = [
    "advance",
    "build_home",
    "deal_card",
    "deal_history",
    "edit_deal",
    "list_people",
    "mark_dropped",
    "mark_lost",
    "mark_won",
    "plan_advance",
    "put_on_hold",
    "reopen",
    "save_person",
    "visible_summaries",
]
