"""Signals in, alert records out: merging, cooldown, escalation, states and tuning.

One story must give one alert that escalates, not fifty. Every signal belongs to a
*rule*: ``(workspace, detector, key)`` (see :func:`~socialhub.records.alerts.rule_of`).

``process(signal)`` decides, on the stream's own clock (``Signal.t``):

1. **merge**: the rule has an active (open or acknowledged) alert whose last signal is
   at most ``merge_window`` old: the signal is folded in (evidence appended, latest
   observed/baseline/threshold/params kept). If its severity is higher, the alert
   **escalates** (severity up, ``escalated`` event, channels notified again);
2. **merge by story**: otherwise, an active alert of the same workspace whose evidence
   holds at least ``overlap_merge`` of the signal's evidence takes it (another
   detector saw the same story: a volume burst and its emerging term). Alerts about
   one post (``single_post`` detectors: watchlist triggers) take no other story;
3. **tuning gate**: a new alert needs ``observed >= baseline + m * (threshold -
   baseline)`` where ``m`` is the rule's learnt multiplier (1 until feedback arrives);
4. **cooldown**: within ``cooldown`` after the rule's alert was resolved, a signal no
   more severe than that alert's peak is suppressed; a more severe one **reopens** it;
5. otherwise a new alert **opens**.

States go open -> acknowledged -> resolved (who and when are kept); ``tick(now)``
resolves alerts quiet for ``quiet_time`` (``resolution="auto"``). Each decision is an
:class:`~socialhub.records.alerts.AlertEvent` holding the full signal, so an alert
can be replayed and audited.

**Feedback tuning.** A false alarm multiplies the rule's multiplier by ``tune_up``
(1.25), a true alarm by ``tune_down`` (0.9), bounded to ``[min_multiplier,
max_multiplier]`` (0.5, 4). Changing a verdict first undoes the previous step. The
manager can only make a rule *stricter* than its detector (it never sees signals
below the detector's threshold); :meth:`AlertManager.multiplier` exposes the value so
the hub can pass it to detectors that accept a threshold scale, which is how a
multiplier below 1 makes a rule more sensitive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from socialhub.alerts.importance import alert_importance
from socialhub.alerts.provenance import provenance
from socialhub.models import Mention, as_utc, utcnow
from socialhub.records.alerts import Alert, AlertEvent, Tuning, rule_of
from socialhub.records.signals import Signal

if TYPE_CHECKING:
    from socialhub.store.base import Store

log = logging.getLogger(__name__)

__all__ = ["AlertManager", "AlertStateError", "ManagerConfig", "Outcome", "effective_threshold"]


class AlertStateError(ValueError):
    """A state change that the alert's current state does not allow."""


@dataclass(slots=True)
class ManagerConfig:
    merge_window: timedelta = timedelta(hours=2)
    cooldown: timedelta = timedelta(hours=1)
    quiet_time: timedelta = timedelta(hours=2)
    overlap_merge: float = 0.3
    # alerts about one post (a listed person posted): they never take another
    # detector's story, or a press pickup would vanish into its first post's alert
    single_post: tuple[str, ...] = ("watchlist",)
    max_evidence: int = 500
    provenance_posts: int = 300  # mentions read to compute provenance
    tune_up: float = 1.25
    tune_down: float = 0.9
    min_multiplier: float = 0.5
    max_multiplier: float = 4.0


@dataclass(slots=True)
class Outcome:
    """What ``process`` did with a signal: ``action`` is opened, merged, escalated,
    reopened, suppressed or filtered (below the tuned threshold)."""

    action: str
    alert: Alert | None
    signal: Signal
    reason: str = ""
    mentions: list[Mention] = field(default_factory=list)

    @property
    def notify(self) -> bool:
        return self.action in ("opened", "escalated", "reopened")


def effective_threshold(baseline: float, threshold: float, multiplier: float) -> float:
    """The threshold a new alert must reach once a rule's multiplier is applied: the
    margin above baseline is scaled (a plain product when there is no margin)."""
    margin = threshold - baseline
    return baseline + multiplier * margin if margin > 0 else threshold * multiplier


MentionLoader = Callable[[Sequence[str]], list[Mention]]


class AlertManager:
    """Turns signals into alert records in ``store`` (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        config: ManagerConfig | None = None,
        *,
        load_mentions: MentionLoader | None = None,
    ) -> None:
        self.store = store
        self.config = config or ManagerConfig()
        self._load = load_mentions or self._from_store
        # whether an alert's series is still well above its baseline (set by the
        # detector service): such an alert neither auto-resolves nor goes stale
        self.hold: Callable[[Alert], bool] | None = None
        # watchlist name -> list type (set by the detector service), for importance
        self.list_types: dict[str, str] = {}

    # -- signals --------------------------------------------------------------------

    def process(self, signal: Signal, mentions: Sequence[Mention] | None = None) -> Outcome:
        """Record one signal; ``mentions`` (optional) are its posts, if already at hand."""
        t = as_utc(signal.t)
        cfg = self.config
        rule = rule_of(signal.workspace_id, signal.detector, signal.key)
        latest = self.store.alerts.latest_alert(rule)
        if latest is not None and latest.active:
            if t - latest.last_t <= cfg.merge_window or (self.hold and self.hold(latest)):
                return self._merge(latest, signal, t, mentions)
            # Active but quiet for longer than the merge window: close it and start a new
            # story (no cooldown: this alert did not end, it went stale).
            self._resolve(latest, "auto", min(t, latest.last_t + cfg.quiet_time), "auto")
            latest = None
        story = self._same_story(signal)
        if story is not None:
            return self._merge(story, signal, t, mentions, story_of=rule)
        m = self.multiplier(signal.workspace_id, signal.detector, signal.key)
        needed = effective_threshold(signal.baseline, signal.threshold, m)
        if m > 1.0 and signal.observed < needed:
            return Outcome("filtered", None, signal, f"observed {signal.observed:g} < {needed:g}")
        resolved_at = None if latest is None else latest.resolved_at
        if latest is not None and resolved_at is not None and t - resolved_at < cfg.cooldown:
            if signal.severity <= latest.peak_severity:
                self._event(latest, "suppressed", t, details={"signal": _sig(signal)})
                return Outcome("suppressed", latest, signal, "cooldown")
            return self._reopen(latest, signal, t, mentions)
        return self._open(rule, signal, t, m, mentions)

    def tick(self, now: datetime, hold: Callable[[Alert], bool] | None = None) -> list[Alert]:
        """Auto-resolve active alerts without a signal for ``quiet_time`` (stream time),
        except those ``hold`` keeps (their series is still well above its baseline: the
        outage's volume at its peak is no reason to close its alert)."""
        now = as_utc(now)
        hold = hold or self.hold
        done = []
        for alert in self.store.alerts.list_alerts(state="active", limit=10_000):
            if now - alert.last_t >= self.config.quiet_time and not (hold and hold(alert)):
                done.append(self._resolve(alert, "auto", now, "auto"))
        return done

    # -- people ---------------------------------------------------------------------

    def acknowledge(self, alert_id: int, by: str, at: datetime | None = None) -> Alert:
        alert = self._get(alert_id)
        if alert.state != "open":
            raise AlertStateError(f"alert {alert_id} is {alert.state}, not open")
        when = as_utc(at or utcnow())
        alert.state, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", by, when
        alert = self.store.alerts.save_alert(alert)
        self._event(alert, "acknowledged", when, actor=by)
        return alert

    def resolve(self, alert_id: int, by: str, at: datetime | None = None, note: str = "") -> Alert:
        alert = self._get(alert_id)
        if not alert.active:
            raise AlertStateError(f"alert {alert_id} is already resolved")
        return self._resolve(alert, by, as_utc(at or utcnow()), "manual", note)

    def feedback(
        self,
        alert_id: int,
        true_alarm: bool,
        by: str,
        *,
        note: str = "",
        at: datetime | None = None,
    ) -> tuple[Alert, Tuning]:
        """Store a verdict and retune the alert's rule (see the module docstring)."""
        alert = self._get(alert_id)
        when = as_utc(at or utcnow())
        tuning = self.store.alerts.get_tuning(alert.rule) or Tuning(
            alert.rule, alert.detector, alert.key, alert.workspace_id
        )
        before = tuning.multiplier
        previous = alert.feedback
        if previous is not true_alarm:
            if previous is not None:  # a changed verdict: undo its step first
                self._step(tuning, previous, undo=True)
            self._step(tuning, true_alarm, undo=False)
            tuning = self.store.alerts.save_tuning(tuning)
        alert.feedback, alert.feedback_by, alert.feedback_at = true_alarm, by, when
        alert.feedback_note = note
        alert = self.store.alerts.save_alert(alert)
        details = {
            "true_alarm": true_alarm,
            "previous": previous,
            "note": note,
            "multiplier_before": before,
            "multiplier_after": tuning.multiplier,
        }
        self._event(alert, "feedback", when, actor=by, details=details)
        return alert, tuning

    def multiplier(self, workspace_id: int | None, detector: str, key: str) -> float:
        tuning = self.store.alerts.get_tuning(rule_of(workspace_id, detector, key))
        return 1.0 if tuning is None else tuning.multiplier

    # -- internals ------------------------------------------------------------------

    def _step(self, tuning: Tuning, true_alarm: bool, *, undo: bool) -> None:
        cfg = self.config
        factor = cfg.tune_down if true_alarm else cfg.tune_up
        if undo:
            factor = 1.0 / factor
        sign = -1 if undo else 1
        if true_alarm:
            tuning.true_alarms = max(0, tuning.true_alarms + sign)
        else:
            tuning.false_alarms = max(0, tuning.false_alarms + sign)
        value = tuning.multiplier * factor
        tuning.multiplier = round(min(cfg.max_multiplier, max(cfg.min_multiplier, value)), 6)

    def _get(self, alert_id: int) -> Alert:
        alert = self.store.alerts.get_alert(alert_id)
        if alert is None:
            raise KeyError(f"no alert {alert_id}")
        return alert

    def _from_store(self, ids: Sequence[str]) -> list[Mention]:
        found = (self.store.mentions.get_mention(i) for i in ids)
        return [m for m in found if m is not None]

    def _provenance(
        self, alert: Alert, mentions: Sequence[Mention] | None
    ) -> tuple[dict[str, Any], list[Mention]]:
        wanted = alert.evidence[: self.config.provenance_posts]
        known = {m.id: m for m in mentions or ()}
        missing = [i for i in wanted if i not in known]
        if missing:
            try:
                known.update((m.id, m) for m in self._load(missing))
            except Exception:  # provenance is a help: never lose the alert for it
                log.exception("alert %s: cannot load its mentions", alert.id)
        posts = [known[i] for i in wanted if i in known]
        self._rank(alert, posts)
        return (provenance(posts).to_dict() if posts else {}), posts

    def _rank(self, alert: Alert, posts: Sequence[Mention]) -> None:
        """Score the alert's importance (issue 14) and keep its explanation in ``extra``."""
        alert.importance, parts = alert_importance(alert, posts, self.list_types)
        alert.extra = {**alert.extra, "explanation": parts}

    def _absorb(self, alert: Alert, signal: Signal, t: datetime) -> bool:
        """Fold a signal into an alert; True if its severity went up."""
        seen = set(alert.evidence)
        new = [e for e in signal.evidence if e not in seen]
        alert.evidence = (alert.evidence + new)[: self.config.max_evidence]
        alert.last_t = max(alert.last_t, t)
        explanation = alert.extra.get("explanation")
        alert.version, alert.params, alert.extra = signal.version, signal.params, signal.extra
        if explanation is not None:  # the importance's components, until rescored
            alert.extra = {**alert.extra, "explanation": explanation}
        alert.observed, alert.baseline = signal.observed, signal.baseline
        alert.threshold, alert.score, alert.trend = signal.threshold, signal.score, signal.trend
        alert.signals += 1
        if alert.query_id is None:
            alert.query_id = signal.query_id
        escalated = signal.severity > alert.severity
        if escalated:
            alert.severity = signal.severity
            alert.title = signal.title
        alert.peak_severity = max(alert.peak_severity, alert.severity)
        return escalated

    def _merge(
        self,
        alert: Alert,
        signal: Signal,
        t: datetime,
        mentions: Sequence[Mention] | None,
        story_of: str | None = None,
    ) -> Outcome:
        before = alert.severity
        escalated = self._absorb(alert, signal, t)
        posts: list[Mention] = []
        if escalated:
            alert.provenance, posts = self._provenance(alert, mentions)
        alert = self.store.alerts.save_alert(alert)
        kind = "escalated" if escalated else "merged"
        details: dict[str, Any] = {"signal": _sig(signal)}
        if escalated:
            details["severity"] = [before, alert.severity]
        if story_of is not None:
            details["rule"] = story_of
        self._event(alert, kind, t, details=details)
        return Outcome(kind, alert, signal, mentions=posts)

    def _same_story(self, signal: Signal) -> Alert | None:
        if not signal.evidence or self.config.overlap_merge <= 0:
            return None
        wanted = set(signal.evidence)
        best: tuple[float, Alert] | None = None
        for alert in self.store.alerts.list_alerts(
            workspace_id=signal.workspace_id, state="active", limit=200
        ):
            if signal.workspace_id is None and alert.workspace_id is not None:
                continue
            if alert.detector in self.config.single_post:
                continue
            share = len(wanted.intersection(alert.evidence)) / len(wanted)
            if share >= self.config.overlap_merge and (best is None or share > best[0]):
                best = (share, alert)
        return None if best is None else best[1]

    def _open(
        self,
        rule: str,
        signal: Signal,
        t: datetime,
        multiplier: float,
        mentions: Sequence[Mention] | None,
    ) -> Outcome:
        alert = Alert(
            rule=rule,
            detector=signal.detector,
            version=signal.version,
            key=signal.key,
            title=signal.title,
            severity=signal.severity,
            first_t=t,
            last_t=t,
            observed=signal.observed,
            baseline=signal.baseline,
            threshold=signal.threshold,
            score=signal.score,
            workspace_id=signal.workspace_id,
            query_id=signal.query_id,
            trend=signal.trend,
            multiplier=multiplier,
            params=dict(signal.params),
            evidence=list(dict.fromkeys(signal.evidence))[: self.config.max_evidence],
            extra=dict(signal.extra),
        )
        alert.provenance, posts = self._provenance(alert, mentions)
        alert = self.store.alerts.save_alert(alert)
        self._event(alert, "opened", t, details={"signal": _sig(signal)})
        return Outcome("opened", alert, signal, mentions=posts)

    def _reopen(
        self, alert: Alert, signal: Signal, t: datetime, mentions: Sequence[Mention] | None
    ) -> Outcome:
        alert.state = "open"
        alert.acknowledged_by = alert.acknowledged_at = None
        alert.resolved_by = alert.resolved_at = alert.resolution = None
        alert.severity = 0  # the new signal sets it
        self._absorb(alert, signal, t)
        alert.provenance, posts = self._provenance(alert, mentions)
        alert = self.store.alerts.save_alert(alert)
        self._event(alert, "reopened", t, details={"signal": _sig(signal)})
        return Outcome("reopened", alert, signal, mentions=posts)

    def _resolve(
        self, alert: Alert, by: str, at: datetime, resolution: str, note: str = ""
    ) -> Alert:
        alert.state, alert.resolved_by, alert.resolved_at = "resolved", by, at
        alert.resolution = resolution
        alert = self.store.alerts.save_alert(alert)
        kind = "auto_resolved" if resolution == "auto" else "resolved"
        self._event(alert, kind, at, actor=by, details={"note": note} if note else {})
        return alert

    def _event(
        self,
        alert: Alert,
        kind: str,
        t: datetime,
        *,
        actor: str = "system",
        details: dict[str, Any] | None = None,
    ) -> None:
        assert alert.id is not None
        self.store.alerts.add_alert_event(AlertEvent(alert.id, kind, t, actor, details or {}))


def _sig(signal: Signal) -> dict[str, Any]:
    """The signal as recorded in the audit trail (everything needed to replay it)."""
    return signal.to_dict()
