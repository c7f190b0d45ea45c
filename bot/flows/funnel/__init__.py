"""The funnel: figures (SQL aggregates), the weekly digest, /funnel on demand, quotas, the CSV export."""

from bot.flows.funnel.digest import build_digest, due_digests
from bot.flows.funnel.export import export_csv
from bot.flows.funnel.figures import compute
from bot.flows.funnel.quota import set_quota
from bot.flows.funnel.view import on_demand, prepare

__all__ = ["build_digest", "compute", "due_digests", "export_csv", "on_demand", "prepare", "set_quota"]
