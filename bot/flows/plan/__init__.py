"""Planning back from the quota, the team's own odds, time for selling (SPEC §13)."""

from bot.flows.plan.backward import Plan, backward_plan
from bot.flows.plan.odds import TeamOdds, switch_rung, team_odds

__all__ = ["Plan", "TeamOdds", "backward_plan", "switch_rung", "team_odds"]
