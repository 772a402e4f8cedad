"""Detectors as a bus consumer: stored mentions in, alert records and notifications out.

The service reads the ``mentions.stored`` subject (group ``detect``), feeds each mention
to the configured :class:`~socialhub.analytics.detectors.runner.DetectorSet` and to the
workspaces' watchlist triggers on the stream's own clock, turns every signal into an
alert record (:class:`~socialhub.alerts.manager.AlertManager`: merging, cooldown,
escalation) and sends the notifying ones through the router (in-app always; email and
webhooks when configured). Messages are acked after the alerts are recorded, so a
killed process replays them; the alert manager merges the repeats into the same story.

Competitor launches recorded in the store (``socialhub launch add``, source ``user``)
whose query is a stored query are followed live by a
:class:`~socialhub.analytics.launch_monitor.LaunchMonitor` kept in the detector set
under ``"launch"`` (so it is checkpointed with it): their curve fills from the stream
and the peak, fizzle and buzz milestones become alerts. ``[detect.launch]`` holds its
parameters (``enabled = false`` switches it off).

Detector state is checkpointed (pickled) to ``state_path`` every ``checkpoint_seconds``
and on exit, so a restart resumes with its baselines instead of learning them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from socialhub.alerts.channels import Channel
from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.incidents import IncidentDesk
from socialhub.alerts.manager import AlertManager, Outcome
from socialhub.alerts.paging import pager_from_env
from socialhub.alerts.routing import Route, Router, workspace_locale
from socialhub.alerts.triggers import WatchlistTrigger
from socialhub.analytics.detectors.runner import DetectorSet
from socialhub.analytics.launch_monitor import LaunchMonitor, LaunchWatch
from socialhub.analytics.launches import EXPECTED_FLOOR
from socialhub.analytics.launches_library import library_scores
from socialhub.analytics.options import DetectOptions
from socialhub.analytics.params import Parametrised, changed_params, check_params
from socialhub.analytics.placement import Placement
from socialhub.analytics.stories.generic import generic_words
from socialhub.analytics.stories.service import StoryDetector, save_proposals
from socialhub.analytics.stories.service import flush as flush_stories
from socialhub.bus import STORED, Bus, Message, Subscription
from socialhub.models import Mention, QuarantineItem, Query, as_utc
from socialhub.records.official import official_handles
from socialhub.records.quarantine import Reason
from socialhub.records.signals import Signal
from socialhub.serialize import mention_from_json
from socialhub.store.availability import is_unavailable
from socialhub.store.base import Store
from socialhub.store.stories import StoryStore
from socialhub.text import norm_handle

log = logging.getLogger(__name__)

# When the stream clock is this close to the wall clock the stream is live, and quiet
# periods advance the detectors on the wall clock ("falling back" needs no new post).
LIVE_LAG = timedelta(minutes=5)


def channels_from_env(store: Store, env: Mapping[str, str] | None = None) -> list[Channel]:
    """In-app always; email with ``SOCIALHUB_SMTP_HOST`` + ``SOCIALHUB_ALERT_EMAIL_TO``;
    a webhook with ``SOCIALHUB_ALERT_WEBHOOK_URL`` (``..._FORMAT``: json, slack, teams,
    mattermost). Secrets come from the environment only."""
    env = os.environ if env is None else env
    channels: list[Channel] = [InAppChannel(store)]
    recipients = [a.strip() for a in env.get("SOCIALHUB_ALERT_EMAIL_TO", "").split(",") if a]
    if env.get("SOCIALHUB_SMTP_HOST") and recipients:
        from socialhub.alerts.channels.email import EmailChannel

        channels.append(
            EmailChannel(
                host=env["SOCIALHUB_SMTP_HOST"],
                port=int(env.get("SOCIALHUB_SMTP_PORT", "587")),
                security=env.get("SOCIALHUB_SMTP_SECURITY", "starttls"),
                username=env.get("SOCIALHUB_SMTP_USERNAME", ""),
                password=env.get("SOCIALHUB_SMTP_PASSWORD", ""),
                sender=env.get("SOCIALHUB_SMTP_FROM", "socialhub@localhost"),
                recipients=recipients,
            )
        )
    if env.get("SOCIALHUB_ALERT_WEBHOOK_URL"):
        from socialhub.alerts.channels.webhook import WebhookChannel

        channels.append(
            WebhookChannel(
                url=env["SOCIALHUB_ALERT_WEBHOOK_URL"],
                format=env.get("SOCIALHUB_ALERT_WEBHOOK_FORMAT", "json"),
                secret=env.get("SOCIALHUB_ALERT_WEBHOOK_SECRET", ""),
            )
        )
    return channels


def default_routes(channels: Sequence[Channel], min_severity: int = 5) -> list[Route]:
    """Every alert in-app; the others from ``min_severity`` up."""
    routes = [Route(channels=["inapp"])]
    others = [c.name for c in channels if c.name != "inapp"]
    if others:
        routes.append(Route(channels=others, min_severity=min_severity))
    return routes


class DetectorService:
    """See the module docstring. ``config`` is the ``[detect]`` settings table."""

    # The workspace a partitioned service serves (set by its subclass); None: all.
    workspace_id: int | None = None

    def __init__(
        self,
        bus: Bus,
        store: Store,
        config: Mapping[str, Any] | None = None,
        *,
        router: Router | None = None,
        state_path: Path | None = None,
        group: str = "detect",
        origin: str = "",
    ) -> None:
        self.bus = bus
        self.store = store
        self.config = dict(config or {})
        where = f"{origin}: [detect]" if origin else "[detect]"
        self.options = DetectOptions.from_table(self.config, where=where)  # typed, checked
        self.group = group
        self.sub: Subscription | None = None
        self.state_path = state_path
        self.origin = origin  # the settings file, named in configuration errors
        self.manager = AlertManager(store)
        self.incidents = IncidentDesk(store)  # severe alerts open incidents (issue 14)
        # on-call escalation on the wall clock, every [detect] oncall_seconds (0: off)
        self.pager = pager_from_env(store, self.incidents, os.environ, self.options.oncall_seconds)
        if router is None:
            channels = channels_from_env(store)
            severity = self.options.notify_min_severity
            router = Router(
                store.alerts,
                channels,
                default_routes(channels, severity),
                locale_of=workspace_locale(store.workspaces),
            )
        self.router = router
        self.refresh_every = self.options.refresh_seconds
        self.checkpoint_every = self.options.checkpoint_seconds
        self.detectors = self._resume(DetectorSet.from_config(self.config, origin=origin))
        ratio = self.options.hold_ratio
        # an alert whose series is still >= hold_ratio x its baseline stays open
        self.manager.hold = lambda a: self.detectors.elevated(a.detector, a.key, ratio)
        self.stories: StoryStore | None = None
        self._story_setup()
        self.triggers: list[WatchlistTrigger] = []
        self.placement = Placement()
        self._refreshed = 0.0
        self._saved = time.monotonic()
        self.signals = 0
        self.outcomes: dict[str, int] = {}
        self.store_error: str | None = None  # set while the store is away
        self.refresh(force=True)

    # -- configuration ------------------------------------------------------------------

    def refresh(self, *, force: bool = False) -> None:
        """Re-read queries (query -> workspace, names) and watchlists, rate-limited."""
        now = time.monotonic()
        if not force and now - self._refreshed < self.refresh_every:
            return
        self._refreshed = now
        queries = self.store.workspaces.list_queries(enabled_only=False)
        workspaces = {q.id: q.workspace_id for q in queries if q.id is not None}
        self.placement.query_ws = dict(workspaces)
        labels = {f"query:{q.id}": q.name for q in queries}
        spaces = self.store.workspaces.list_workspaces()
        labels |= {f"workspace:{ws.id}": ws.name for ws in spaces}
        watchlists = {ws.id: self.store.workspaces.list_watchlists(ws.id) for ws in spaces}
        lists = {wl.name: wl.list_type for wls in watchlists.values() for wl in wls}
        self.manager.list_types = dict(lists)
        self.incidents.forget_settings()
        for det in self.detectors.detectors.values():
            if isinstance(det, Parametrised):  # the pieces its __init__ declares
                det.set_context(workspaces=workspaces, labels=labels, lists=lists)
            else:  # a plugin's undeclared detector: the attributes it has, as documented
                wiring: dict[str, Mapping[Any, Any]] = {"workspaces": workspaces, "lists": lists}
                wiring["labels"] = {**getattr(det, "labels", {}), **labels}
                for name in [n for n in wiring if hasattr(det, n)]:
                    setattr(det, name, dict(wiring[name]))
        self.triggers = []
        declared = [a.handle for a in self.store.engage.list_accounts()]
        ours = frozenset(norm_handle(h) for h in declared)
        generic: dict[int, frozenset[str]] = {}
        for det in self.detectors.detectors.values():
            if hasattr(det, "accounts"):  # the story engine: our answers in each story
                det.accounts = ours
            if hasattr(det, "generic"):  # ... and the tags that name a whole workspace
                generic = generic or {
                    ws.id: generic_words(
                        [q.definition for q in queries if q.workspace_id == ws.id],
                        self.store.workspaces.get_workspace_settings(ws.id),
                    )
                    for ws in spaces
                    if ws.id is not None
                }
                det.generic = generic
        for ws in spaces:
            own = {q.id: q.name for q in queries if q.id is not None and q.workspace_id == ws.id}
            self.triggers.append(
                WatchlistTrigger(
                    watchlists[ws.id],
                    workspace_id=ws.id,
                    query_names=own,
                    own_queries=frozenset(own),
                    high_reach_notify=self.options.high_reach_notify,
                    own_accounts=official_handles(
                        self.store.workspaces.get_workspace_settings(ws.id or 0), declared
                    ),
                )
            )
        self.sync_launches(queries)

    def sync_launches(self, queries: Sequence[Query]) -> None:
        """Follow the store's launches whose window is not over (see the module doc)."""
        table = dict(self.config.get("launch") or {})
        where = f"{self.origin}: [detect.launch]" if self.origin else "[detect.launch]"
        check_params(LaunchMonitor, table, where)  # its declared parameters only
        if not table.pop("enabled", True):
            return
        monitor = self.detectors.detectors.get(LaunchMonitor.name)
        configured = LaunchMonitor([], **table)
        if not isinstance(monitor, LaunchMonitor):
            monitor = self.detectors.detectors[LaunchMonitor.name] = configured
        elif changed := changed_params(monitor, configured):  # reconciled by declaration
            log.info("launch monitor: %s changed since the checkpoint", ", ".join(changed))
            monitor = self.detectors.detectors[LaunchMonitor.name] = configured
        by_name = {(q.workspace_id, q.name.casefold()): q for q in queries if q.id is not None}
        records = self.store.launches.list_launches()
        clock = self.detectors.clock
        only = self.workspace_id  # a workspace partition follows its own launches only
        watches = []
        for rec in records:
            if rec.source == "demo" or (only is not None and rec.workspace_id != only):
                continue  # the demo library's launches are measured, never live
            query = (
                by_name.get((rec.workspace_id, rec.query.casefold()))
                if rec.workspace_id
                else (next((q for (_, n), q in by_name.items() if n == rec.query.casefold()), None))
            )
            if query is None or query.id is None:
                continue  # a free boolean query is not routed: nothing to follow live
            at = as_utc(rec.launch_at)
            if clock and at.timestamp() + rec.window_s < clock:
                continue
            old = monitor.watches.get(rec.name)
            same = old is not None and (old.query_id, old.at, old.window_s, old.bucket_s) == (
                query.id,
                at,
                rec.window_s,
                rec.bucket_s,
            )
            if old is not None and same:
                watches.append(old)
                continue
            watches.append(self._watch(rec.name, query, at, rec.window_s, rec.bucket_s, rec.curve))
        monitor.sync(watches, library_scores(records))

    def _watch(
        self,
        name: str,
        query: Query,
        at: datetime,
        window_s: int,
        bucket_s: int,
        curve: Mapping[str, Any] | None,
    ) -> LaunchWatch:
        """A watch with the launch's expected volume: from its measured curve when there
        is one, else the query's stored mentions in the 24 h before, per bucket."""
        assert query.id is not None
        if curve:
            expected = list(curve.get("expected") or [])
            per_bucket = sum(expected) / len(expected) if expected else EXPECTED_FLOOR
        else:
            before = self.store.mentions.count(
                query.definition,
                workspace_id=query.workspace_id,
                since=at - timedelta(hours=24),
                until=at,
            )
            per_bucket = before * bucket_s / 86_400.0
        return LaunchWatch(
            name,
            query.id,
            at,
            window_s=window_s,
            bucket_s=bucket_s,
            expected=max(EXPECTED_FLOOR, per_bucket),
            workspace_id=query.workspace_id,
        )

    def _story_setup(self) -> None:
        """The story engine (``[detect.stories]``; ``enabled = false`` switches it off),
        kept in the detector set so it is checkpointed with it."""
        table = dict(self.config.get("stories") or {})
        if not table.pop("enabled", True):
            self.detectors.detectors.pop(StoryDetector.name, None)
            return
        if not isinstance(self.detectors.detectors.get(StoryDetector.name), StoryDetector):
            self.detectors.detectors[StoryDetector.name] = StoryDetector(**table)
        self.stories = self.store.stories

    # -- processing -------------------------------------------------------------------

    def handle(self, batch: Sequence[Mention]) -> list[Outcome]:
        """Feed a batch (stream order), record alerts, send notifications (blocking)."""
        signals, by_id = self.feed_batch(batch)
        return self.record(signals, by_id)

    def feed_batch(self, batch: Sequence[Mention]) -> tuple[list[Signal], dict[str, Mention]]:
        """Feed the mentions not counted before (a redelivered or refreshed mention is
        ignored: :meth:`DetectorSet.first_time`); the signals they raise, to record."""
        self.refresh()
        fresh = [m for m in batch if self.detectors.first_time(m.id)]
        signals: list[Signal] = []
        for m in sorted(fresh, key=lambda x: x.created_at):
            signals += self.feed_one(m)
        return signals, {m.id: m for m in fresh}

    def feed_one(self, m: Mention) -> list[Signal]:
        signals = self.detectors.feed(m)
        for trigger in self.triggers:
            signals += trigger.update(m)
        return signals

    def record(self, signals: list[Signal], by_id: Mapping[str, Mention]) -> list[Outcome]:
        """Record ``signals`` as alerts, consuming the list: after a failure (the store
        away) a retry records only the ones left."""
        outcomes: list[Outcome] = []
        while signals:
            outcomes.append(self._record(signals[0], by_id))
            signals.pop(0)
        story = self.detectors.detectors.get(StoryDetector.name)
        if self.stories is not None and isinstance(story, StoryDetector):
            flush_stories(story.engine, self.stories)
            if save_proposals(story.spotter.take(), self.store.launches):
                self.refresh(force=True)  # the monitor follows the new launch at once
        self._maybe_checkpoint()
        return outcomes

    def tick(self, now: datetime | None = None) -> list[Outcome]:
        """Advance on the wall clock when the stream is live; auto-resolve quiet alerts."""
        now = now or datetime.now(UTC)
        clock = self.detectors.clock
        outcomes: list[Outcome] = []
        if clock and now - datetime.fromtimestamp(clock, UTC) <= LIVE_LAG:
            outcomes = [self._record(s, {}) for s in self.detectors.advance(now)]
        if self.detectors.clock:  # quiet alerts resolve on the stream clock
            stream_now = datetime.fromtimestamp(self.detectors.clock, UTC)
            self.manager.tick(stream_now)
            if self.manager.hold is not None:
                self.incidents.review(stream_now, self.manager.hold)
        self.pager.run_due()
        self._maybe_checkpoint()
        return outcomes

    def _record(self, signal: Signal, by_id: Mapping[str, Mention]) -> Outcome:
        self.signals += 1
        mentions = [by_id[i] for i in signal.evidence if i in by_id] or None
        self.placement.place(signal, by_id)  # a signal of no workspace gets one
        outcome = self.manager.process(signal, mentions)
        self.outcomes[outcome.action] = self.outcomes.get(outcome.action, 0) + 1
        grouped = self.incidents.observe_outcome(outcome.action, outcome.alert, signal.t)
        # an alert joining an incident that is already open is told through the incident
        if outcome.notify and not self.incidents.told(grouped, outcome.alert):
            self.router.handle(outcome)
        return outcome

    # -- state ------------------------------------------------------------------------

    def _resume(self, configured: DetectorSet) -> DetectorSet:
        """The checkpointed set, reconciled with the configuration from the detectors'
        declared parameters (:mod:`socialhub.analytics.params`): a detector added since
        (or switched on) starts fresh beside the others' learnt baselines, one whose
        parameters changed starts fresh too (its baseline was learnt under other
        thresholds or windows), and one switched off is dropped. Without a checkpoint,
        ``configured``."""
        state = self._load_state()
        if state is None:
            return configured
        for name in list(state.detectors):
            if name not in configured.detectors and name not in (
                LaunchMonitor.name,
                StoryDetector.name,
            ):
                del state.detectors[name]
        for name, det in configured.detectors.items():
            saved = state.detectors.get(name)
            if saved is None:
                log.info("detector %s is new since the checkpoint: it starts fresh", name)
                state.detectors[name] = det
            elif changed := changed_params(saved, det):
                why = ", ".join(changed)
                log.info("detector %s: %s changed since the checkpoint: fresh start", name, why)
                state.detectors[name] = det
        return state

    def _load_state(self) -> DetectorSet | None:
        if self.state_path is None or not self.state_path.is_file():
            return None
        try:
            with self.state_path.open("rb") as fh:
                state = pickle.load(fh)  # our own checkpoint file, never user input
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("detector state %s unreadable (%s): starting fresh", self.state_path, exc)
            return None
        return state if isinstance(state, DetectorSet) else None

    def checkpoint(self) -> None:
        if self.state_path is None:
            return
        tmp = self.state_path.with_suffix(".tmp")
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(self.detectors, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.state_path)  # atomic: a crash never leaves half a file
        self._saved = time.monotonic()

    def _maybe_checkpoint(self) -> None:
        if time.monotonic() - self._saved >= self.checkpoint_every:
            self.checkpoint()

    # -- the consumer loop ------------------------------------------------------------

    async def subscribe(self) -> None:
        """Join the consumer group (before the pipeline publishes, so nothing is missed)."""
        if self.sub is None:
            # [detect] ack_wait: how long a batch may stay unacked before it is
            # delivered again (a killed detector's batch comes back after this)
            ack_wait = self.options.ack_wait
            self.sub = await self.bus.subscribe(STORED, self.group, ack_wait=ack_wait)

    async def run(self, stop: asyncio.Event, *, batch_size: int = 500) -> None:
        await self.subscribe()
        sub = self.sub
        assert sub is not None
        last_tick = time.monotonic()
        try:
            while not stop.is_set():
                msgs = await sub.fetch(batch_size, timeout=1.0)
                batch: list[Mention] = []
                bad: list[QuarantineItem] = []
                for msg in msgs:
                    try:
                        batch.append(mention_from_json(msg.data))
                    except Exception as exc:  # never acked unseen: quarantined with why
                        bad.append(
                            QuarantineItem(
                                source=f"bus:{msg.subject}:{self.group}",
                                reason=Reason(
                                    "undecodable_stored_mention",
                                    error_type=type(exc).__name__,
                                    error=str(exc)[:1900],
                                ),
                                raw=msg.data.decode("utf-8", "replace"),
                                location=f"seq {msg.seq}",
                            )
                        )
                if not await self._consume(sub, msgs, batch, bad, stop):
                    return  # stopping while the store is away: left unacked
                for msg in msgs:  # acked once the alerts are recorded
                    await sub.ack(msg)
                if time.monotonic() - last_tick >= 10.0:
                    last_tick = time.monotonic()
                    await asyncio.to_thread(self.tick)
        finally:
            await asyncio.to_thread(self.checkpoint)

    async def _consume(
        self,
        sub: Subscription,
        msgs: list[Message],
        batch: list[Mention],
        bad: list[QuarantineItem],
        stop: asyncio.Event,
    ) -> bool:
        """Quarantine, feed and record one batch; while the store is away, hold the batch
        (touched, so it stays ours) and retry with backoff. False: stopped meanwhile."""
        fed: tuple[list[Signal], dict[str, Mention]] | None = None
        delay = 0.25
        while True:
            try:
                if bad:
                    await asyncio.to_thread(self.store.sources.quarantine, bad)
                    bad = []
                if fed is None and batch:
                    fed = await asyncio.to_thread(self.feed_batch, batch)
                if fed is not None:
                    await asyncio.to_thread(self.record, *fed)
                self.store_error = None
                return True
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                if self.store_error is None:
                    log.warning("store unavailable, holding the batch: %r", exc)
                self.store_error = f"{type(exc).__name__}: {exc}"[:300]
            for msg in msgs:
                await sub.touch(msg)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return False
            delay = min(delay * 2, 5.0)

    def idle(self) -> bool:
        return self.sub is not None and self.sub.pending() == 0
