"""The team: who is asking (actor), who may see and change what, roles, workspace settings."""

from bot.flows.team.access import can_edit, can_see, find_visible_deals, load_deal
from bot.flows.team.config import team_config
from bot.flows.team.roles import assign_role, team_roles
from bot.flows.team.settings import save_settings
from bot.flows.team.users import refresh_profile, resolve_actor

__all__ = [
    "assign_role",
    "can_edit",
    "can_see",
    "find_visible_deals",
    "load_deal",
    "refresh_profile",
    "resolve_actor",
    "save_settings",
    "team_config",
    "team_roles",
]
