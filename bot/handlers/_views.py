"""Reading submitted modals: ``view.state.values`` -> plain values, in one place on the handler side
(the modals themselves are rendered by ``bot.blocks``; their block ids are the contract)."""

from __future__ import annotations

from datetime import date

from bot.blocks.checkin import B_BLOCKERS, B_DONE, B_NEXT, B_NEXT_DATE, B_PROGRESS, B_PROGRESS_TEXT
from bot.flows.qualification.registration import Draft


def state_values(view: dict) -> dict:
    """``view.state.values`` -> {block_id: value} (text, option value, date, users, channel, checkboxes)."""
    out: dict = {}
    for block_id, actions in ((view or {}).get("state") or {}).get("values", {}).items():
        for el in actions.values():
            out[block_id] = _value(el or {})
    return out


def _value(el: dict):  # noqa: ANN202
    kind = el.get("type")
    if kind in ("static_select", "radio_buttons"):
        return (el.get("selected_option") or {}).get("value")
    if kind == "checkboxes":
        return [o.get("value") for o in el.get("selected_options") or []]
    if kind == "datepicker":
        return _date(el.get("selected_date"))
    if kind == "users_select":
        return el.get("selected_user")
    if kind == "multi_users_select":
        return el.get("selected_users") or []
    if kind in ("channels_select", "conversations_select"):
        return el.get("selected_channel") or el.get("selected_conversation")
    return el.get("value")


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _element(values: dict, block: str) -> dict:
    """The element whose action id is its block's id (the register and check-in modals)."""
    return (values.get(block) or {}).get(block) or {}


def read_register_draft(view: dict) -> Draft:
    """The submitted register-a-prospect modal -> a Draft (the flow validates it)."""
    values = view["state"]["values"]
    close = _element(values, "close").get("selected_date")
    currency = (_element(values, "currency").get("selected_option") or {}).get("value") or "CNY"
    return Draft(
        account=(_element(values, "account").get("value") or "").strip(),
        title=(_element(values, "title").get("value") or "").strip(),
        amount=(_element(values, "amount").get("value") or "").strip(),
        currency=currency,
        close=date.fromisoformat(close) if close else None,
    )


def read_checkin(view: dict) -> dict:
    """The submitted check-in modal -> plain fields (strings, a bool, a date)."""
    values = view["state"]["values"]
    picked = (_element(values, B_PROGRESS).get("selected_option") or {}).get("value")
    day = _element(values, B_NEXT_DATE).get("selected_date")
    return {
        "done_text": _element(values, B_DONE).get("value") or "",
        "progress": picked == "yes",
        "progress_text": _element(values, B_PROGRESS_TEXT).get("value"),
        "blockers": _element(values, B_BLOCKERS).get("value"),
        "next_step": _element(values, B_NEXT).get("value"),
        "next_step_date": date.fromisoformat(day) if day else None,
    }
