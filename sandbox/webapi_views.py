"""ViewsMethods: the views.* imitations (open, push, update, publish), mixed into WebApi; trigger_ids
expire after TRIGGER_TTL seconds and are exchanged once."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from sandbox.checks import check_view, load_json
from sandbox.errors import SlackError
from sandbox.state import APP_ID, BOT_ID

if TYPE_CHECKING:
    from sandbox.state import SandboxState

TRIGGER_TTL = 3.0


class ViewsMethods:
    """Modals (a stack of up to 3 per user, opened with a trigger_id) and App Home views."""

    s: SandboxState

    def _take_trigger(self, trigger_id: str | None) -> str:
        if trigger_id in self.s.used_triggers:
            raise SlackError("exchanged_trigger_id")
        entry = self.s.triggers.pop(trigger_id or "", None)
        if entry is None:
            raise SlackError("invalid_trigger_id")
        self.s.used_triggers.add(trigger_id)
        user_id, issued = entry
        if time.monotonic() - issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        return user_id

    def _store_view(self, view: Any, *, user_id: str, view_id: str | None = None) -> dict:
        errors = check_view(view)
        if errors:  # views.* answer invalid_arguments with the details in response_metadata
            code = "view_too_large" if errors[0] == "view_too_large" else "invalid_arguments"
            raise SlackError(code, response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})
        view, _ = load_json(view, "view")
        view_id = view_id or self.s.next_id("V")
        stored = {
            **view,
            "id": view_id,
            "team_id": self._team_of(user_id),
            "user_id": user_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": uuid.uuid4().hex[:16],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "errors": {},
        }
        self.s.views[view_id] = stored
        return stored

    def _team_of(self, user_id: str) -> str:
        user = self.s.all_users().get(user_id)
        return user.team_id if user else next(iter(self.s.workspaces))

    def views_open(self, args: dict) -> dict:
        user_id = self._take_trigger(args.get("trigger_id"))
        view = self._store_view(args.get("view"), user_id=user_id)
        self.s.modal_stack[user_id] = [view["id"]]
        return {"view": view}

    def views_push(self, args: dict) -> dict:
        user_id = self._take_trigger(args.get("trigger_id"))
        stack = self.s.modal_stack.setdefault(user_id, [])
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view = self._store_view(args.get("view"), user_id=user_id)
        stack.append(view["id"])
        return {"view": view}

    def views_update(self, args: dict) -> dict:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (k for k, v in self.s.views.items() if v.get("external_id") == args["external_id"]), None
            )
        old = self.s.views.get(view_id or "")
        if old is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        view = self._store_view(args.get("view"), user_id=old["user_id"], view_id=old["id"])
        return {"view": view}

    def views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if user_id not in self.s.all_users():
            raise SlackError("user_not_found")
        view, errs = load_json(args.get("view"), "view")
        if errs or not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        old_id = self.s.home.get(user_id)
        if old_id and args.get("hash") and args["hash"] != self.s.views[old_id]["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(view, user_id=user_id, view_id=old_id)
        self.s.home[user_id] = stored["id"]
        return {"view": stored}
