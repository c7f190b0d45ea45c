"""The funnel's queries: figures (SQL aggregates by stage, grade, rep), red flags, losses, weakest
scorecard items, quotas, and the weekly digest's runs. ``Scope`` says whose deals a query covers."""

from storage.repo.funnel.figures import OPEN, Scope, Weighting, probability_expr, weighted_expr

__all__ = ["OPEN", "Scope", "Weighting", "probability_expr", "weighted_expr"]
