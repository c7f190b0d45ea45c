"""The nudge sweep: claim due rows with a lease, send each DM once, record the ts (SPEC §6).

Per claimed row: (1) a short transaction re-reads it (fenced on the lease), skips it when its reason
went away, renders the message and renews the lease; (2) a row claimed again after a crashed or
unsure sender (attempts > 1) is first looked up in the DM's history by its metadata key; (3) the
post; (4) the final write, fenced on ``lease_owner``. One bad row is logged and marked, never
stopping the sweep. Any number of replicas may run this at once.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.jobs import nudge_slack as slack
from bot.jobs.nudge_render import Prepared, prepare, tidy_text
from bot.oauth import workspaces
from storage.db import session_scope
from storage.repo import nudges as repo

log = logging.getLogger(__name__)
BATCH = 20
MAX_ATTEMPTS = 8
MAX_PER_RUN = 20_000
NOT_INSTALLED = "workspace not installed (app uninstalled or tokens revoked)"
BACKOFF_CAP = timedelta(hours=1)
_counts = Counter()  # sends attempted / accepted in this process (test-only fault injection)


def sweep(deps, client, now: datetime) -> dict:  # noqa: ANN001
    return Sweep(deps, client).run(now)


class Sweep:
    def __init__(self, deps, client) -> None:  # noqa: ANN001
        self.deps = deps
        self.me = f"{deps.worker_id}:{uuid.uuid4().hex[:8]}"
        self.lease = timedelta(seconds=deps.settings.dealbot_lease_seconds)
        self.workspaces = workspaces(deps, client)  # each row is sent with its workspace's token
        self.use(client)
        self.cache: dict = {}  # per run: team config, working time and locale of each rep
        self._beat: threading.Thread | None = None
        self._stop = threading.Event()
        self._in_flight: int | None = None

    def use(self, client) -> None:  # noqa: ANN001
        self.client = slack.sweep_client(client, self.deps.settings.dealbot_lease_seconds)
        self.api = client  # reads and updates (history, conversations.open, chat.update)

    def clock(self) -> datetime:
        return self.deps.clock.now()

    def run(self, now: datetime) -> dict:
        try:
            return self._run(now)
        finally:
            self._stop.set()

    def _run(self, now: datetime) -> dict:
        stats: Counter = Counter()
        installed = self.workspaces.installed()  # None: one workspace, every row
        if installed is not None:
            with session_scope(self.deps.engine) as s:
                if n := repo.skip_not_installed(
                    s, installed=installed, now=now, reason=NOT_INSTALLED, within=self.deps.teams
                ):
                    stats["skipped"] += n
        while sum(stats.values()) < MAX_PER_RUN:
            with session_scope(self.deps.engine) as s:
                claimed = repo.claim(
                    s, now=now, owner=self.me, until=self.clock() + self.lease, batch=BATCH, teams=installed
                )
            if not claimed:
                break
            for c in claimed:
                try:
                    stats[self.process(c)] += 1
                except Exception as e:  # a poisoned row: mark it, go on with the rest
                    log.exception("nudge %s failed", c.id)
                    self.settle(c.id, "failed", None, reason=f"error: {type(e).__name__}: {e}"[:500])
                    stats["failed"] += 1
        return dict(stats)

    # -- one row ----------------------------------------------------------------------------
    def process(self, c: repo.Claimed) -> str:
        client = self.workspaces.client_for(c.team_id)
        if client is None:  # uninstalled since the claim: its token must not be used
            self.settle(c.id, "skipped", None, reason=NOT_INSTALLED)
            return "skipped"
        self.use(client)
        with session_scope(self.deps.engine) as s:
            p = prepare(s, self.deps.settings, c.id, self.me, self.cache)
            if p is None:
                return "lost"
            if p.skip:
                repo.release(
                    s, nudge_id=c.id, owner=self.me, status="skipped", available_at=None, reason=p.skip
                )
            elif p.attempts >= MAX_ATTEMPTS:
                repo.release(s, nudge_id=c.id, owner=self.me, status="failed", available_at=None,
                             reason=f"gave up after {MAX_ATTEMPTS} attempts ({p.last_error})"[:500])  # fmt: skip
                return "failed"
            elif p.phase != "overdue" and (slot := p.worktime.next_slot(self.clock())) > self.clock():
                return self.defer(s, c, p, slot)
            elif p.phase == "overdue":
                if not repo.renew(s, nudge_id=c.id, owner=self.me, until=self.clock() + self.lease):
                    return "lost"
            else:  # this send attempt starts now (counted before the post: a crash leaves attempts > 0)
                attempts = repo.start_attempt(
                    s, nudge_id=c.id, owner=self.me, until=self.clock() + self.lease
                )
                if attempts is None:
                    return "lost"
                p.attempts = attempts
        if p.skip:
            self.tidy(p)
            return "skipped"
        if p.phase == "overdue":
            self.update_in_place(p.channel_id, p.slack_ts, p.payload)
            self.settle(c.id, "sent", None, attempts=0, claimed_at=None)
            return "overdue"
        return self.deliver(p, p.attempts)

    def defer(self, s, c: repo.Claimed, p: Prepared, slot: datetime) -> str:  # noqa: ANN001
        """Quiet time now (the sweep ran late, or the rep went away): wait for their next working slot."""
        extra = {"send_after": slot} if p.phase == "send" else {}
        repo.release(s, nudge_id=c.id, owner=self.me, status=p.retry_status, available_at=slot, **extra)
        return "deferred"

    def deliver(self, p: Prepared, attempts: int) -> str:
        if attempts > 1:
            found = self.reconcile(p)
            if found is None:
                return "retry"
            if found:
                self.finish(p, {"channel": p.channel_id, "ts": found})
                return "reconciled"
        self.fault("before")
        try:
            with self.heartbeat(p.id):
                posted = slack.post_nudge(self.client, channel=p.owner_id, payload=p.payload, key=p.key,
                                          renew=lambda: self.renew(p.id))  # fmt: skip
        except slack.LeaseLost:
            return "lost"
        except SlackApiError as e:
            return self.failed_post(p, slack.classify(e))
        except Exception as e:  # network error or timeout: Slack may have it; reconcile decides later
            log.warning("nudge %s: unknown outcome (%s): reconcile after the lease", p.id, e)
            self.settle(p.id, p.retry_status, self.clock() + self.lease, reason=f"unknown: {e}"[:500])
            return "unknown"
        self.fault("after")
        self.finish(p, posted)
        return "sent" if p.phase == "send" else "reminded"

    def reconcile(self, p: Prepared) -> str | bool | None:
        """The ts when Slack already has the message, False when it has not, None when unsure."""
        try:
            channel = p.channel_id or slack.dm_channel(self.api, p.owner_id)
            p.channel_id = channel
            return slack.find_posted(self.api, channel=channel, key=p.key) or False
        except SlackApiError as e:
            f = slack.classify(e)
            if f.kind == "permanent":
                self.settle(p.id, "failed", None, reason=f.reason)
            else:
                self.settle(p.id, p.retry_status, self.backoff(p), reason=f"reconcile: {f.reason}")
            return None

    def failed_post(self, p: Prepared, f: slack.Failure) -> str:
        if f.kind == "permanent":
            self.settle(p.id, "failed", None, reason=f.reason)
            return "failed"
        if f.kind == "ratelimited":
            self.settle(
                p.id, p.retry_status, self.clock() + timedelta(seconds=f.retry_after or 1), reason=f.reason
            )
            return "ratelimited"
        self.settle(p.id, p.retry_status, self.backoff(p), reason=f.reason)
        return "retry"

    def backoff(self, p: Prepared) -> datetime:
        return self.clock() + min(BACKOFF_CAP, timedelta(seconds=5 * 2 ** max(0, p.attempts - 1)))

    def finish(self, p: Prepared, posted: dict) -> None:
        at = self.clock()
        if p.phase == "send":
            values = dict(sent_at=at, slack_ts=posted["ts"], channel_id=posted["channel"])
            nxt = p.worktime.after_working_day(at)
        else:
            nxt = p.worktime.after_working_day(at)
            values = dict(reminder_sent_at=at, reminder_ts=posted["ts"], overdue_at=nxt)
        if not self.settle(p.id, "sent", nxt, attempts=0, claimed_at=None, reason=None, **values):
            log.warning("nudge %s: lease lost after the send (another sender took it over)", p.id)

    # -- writes and small Slack calls ----------------------------------------------------------
    @contextmanager
    def heartbeat(self, nudge_id: int) -> Iterator[None]:
        """Keep renewing the lease while a post is in flight: a slow call never looks abandoned.
        One beating thread per sweep run; a crashed sender stops beating, so its lease runs out."""
        if self._beat is None:
            self._beat = threading.Thread(target=self._beating, name="nudge-lease", daemon=True)
            self._beat.start()
        self._in_flight = nudge_id
        try:
            yield
        finally:
            self._in_flight = None

    def _beating(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            nudge_id = self._in_flight
            if nudge_id is None:
                continue
            try:
                self.renew(nudge_id)
            except Exception:
                log.warning("nudge %s: lease renewal failed", nudge_id, exc_info=True)

    def renew(self, nudge_id: int) -> bool:
        with session_scope(self.deps.engine) as s:
            return repo.renew(s, nudge_id=nudge_id, owner=self.me, until=self.clock() + self.lease)

    def settle(self, nudge_id: int, status: str, available_at: datetime | None, **values) -> bool:
        try:
            with session_scope(self.deps.engine) as s:
                return repo.release(
                    s, nudge_id=nudge_id, owner=self.me, status=status, available_at=available_at, **values
                )
        except Exception:
            log.exception("nudge %s: could not record %s", nudge_id, status)
            return False

    def update_in_place(self, channel: str | None, ts: str | None, payload: dict) -> None:
        if not (channel and ts):
            return
        try:
            self.api.chat_update(channel=channel, ts=ts, text=payload["text"], blocks=payload["blocks"])
        except Exception as e:  # tidying is best-effort; the row is already settled
            log.info("could not update nudge message %s/%s: %s", channel, ts, e)

    def tidy(self, p: Prepared) -> None:
        if p.slack_ts:
            payload = tidy_text(p)
            self.update_in_place(p.channel_id, p.slack_ts, payload)
            self.update_in_place(p.channel_id, p.reminder_ts, payload)

    def fault(self, when: str) -> None:
        """Test-only crash injection (DEALBOT_FAULT_BEFORE_SEND / _AFTER_SEND = the Nth send)."""
        target = getattr(self.deps.settings, f"dealbot_fault_{when}_send")
        if target is None:
            return
        _counts[when] += 1
        if _counts[when] == target:
            log.error("fault injection: exiting %s send #%s", when, target)
            logging.shutdown()
            os._exit(17)
