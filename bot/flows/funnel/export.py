"""/funnel export: a CSV of every deal the caller may see (UTF-8 with BOM, so Excel shows Chinese)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from bot.config import Settings
from bot.flows.funnel.weighting import weighting
from bot.flows.team.access import visible_owner_ids
from bot.flows.team.config import team_config
from bot.flows.team.users import Actor
from storage.repo.funnel import Scope
from storage.repo.funnel import quota as repo


def export_scope(session: Session, actor: Actor) -> Scope:
    owners = visible_owner_ids(session, actor)
    return Scope(actor.team_id, tuple(owners) if owners is not None else None)


def count_visible(session: Session, actor: Actor) -> int:
    return repo.count_deals(session, scope=export_scope(session, actor))


def export_csv(session: Session, settings: Settings, actor: Actor, now: datetime) -> tuple[bytes, int]:
    cfg = team_config(session, settings, actor.team_id)
    w = weighting(cfg, now)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(repo.EXPORT_COLUMNS)
    n = 0
    for row in repo.export_rows(session, scope=export_scope(session, actor), w=w):
        out.writerow([_cell(v) for v in row])
        n += 1
    return buf.getvalue().encode("utf-8-sig"), n


def _cell(v):  # noqa: ANN001, ANN202
    if v is None:
        return ""
    if isinstance(v, Decimal | float):
        return str(Decimal(str(v)).quantize(Decimal("0.01")))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    text = str(v)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas in spreadsheets
