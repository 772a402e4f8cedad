"""The store's contracts: one narrow protocol per feature, and ``Store`` that holds them.

``store.mentions`` is a :class:`MentionStore`, ``store.alerts`` an :class:`AlertStore`...
Code that uses one feature takes that protocol. SQLite and PostgreSQL implement every
one (:mod:`.composed`); one contract suite (``tests/store``) runs on both.

The API is synchronous: the embedded hub calls it from worker threads, the CLI and
benchmarks call it directly. All times passed in and out are aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from socialhub.models import (
    Membership,
    Mention,
    QuarantineItem,
    Query,
    Role,
    User,
    Watchlist,
    Workspace,
)

if TYPE_CHECKING:
    from socialhub.query.ast import Node
    from socialhub.records.accounts import UserEvent
    from socialhub.records.alerts import Alert, AlertEvent, Delivery, Notification, Tuning
    from socialhub.records.chain import ChainBreak, ChainEntry
    from socialhub.records.engage import Approval, Draft, InboxItem, OfficialAccount, ReplyTemplate
    from socialhub.records.incidents import Incident, IncidentEvent
    from socialhub.records.launches import LaunchRecord
    from socialhub.records.oncall import Page
    from socialhub.records.processes import PartitionLease, ProcessBeat
    from socialhub.records.relevance import (
        LabelledText,
        RelevanceCounts,
        RelevanceLabel,
        RelevanceModelRecord,
    )
    from socialhub.records.reports import Report, ReportDelivery
    from socialhub.records.sessions import ApiToken, WallToken, WebSession
    from socialhub.records.sources import DeadLetter
    from socialhub.records.stats import AuthorStat
    from socialhub.records.stories import StoryRecord


@dataclass(slots=True)
class AddResult:
    inserted: int = 0
    updated: int = 0


class MentionStore(Protocol):
    """``store.mentions``: the bulk write, reads, search, a mention's thread.

    SQL in :mod:`socialhub.store.reads`.
    """

    def add(self, batch: Sequence[Mention]) -> AddResult:
        """Idempotent on (platform, native_id): a re-collected mention refreshes its
        engagement counts and enrichment, never duplicates. ``mention.query_ids`` are
        recorded as routes (and so give the workspaces that see the mention)."""
        ...

    def get_mention(self, mention_id: str) -> Mention | None: ...

    def search(
        self,
        query: str | Node | None,
        *,
        workspace_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Mention]:
        """Mentions matching a query-language expression (None: all), newest first."""
        ...

    def count(
        self,
        query: str | Node | None = None,
        *,
        workspace_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int: ...

    def mention_thread(self, mention_id: str, workspace_id: int) -> dict[str, list[Mention]]:
        """``{"replies": [...], "quotes": [...]}`` routed to the workspace, oldest first."""
        ...

    def mention_workspace_ids(self, mention_id: str) -> set[int]: ...


class AccountStore(Protocol):
    """``store.accounts``: users, their audit trail, memberships and site administrators.

    SQL in :mod:`socialhub.store.accounts`.
    """

    def upsert_user(self, user: User) -> User: ...

    def get_user(self, username: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def set_membership(self, workspace_id: int, user_id: int, role: Role) -> None: ...

    def remove_membership(self, workspace_id: int, user_id: int) -> None: ...

    def set_user_locale(self, user_id: int, locale: str) -> bool: ...

    def set_user_password(
        self,
        user_id: int,
        password_hash: str,
        *,
        keep_session: str | None = None,
        end_sessions: bool = True,
    ) -> int | None: ...

    def set_user_active(self, user_id: int, active: bool, *, actor: str, at: datetime) -> bool: ...

    def add_user_event(self, event: UserEvent) -> None: ...

    def list_user_events(self, user_id: int | None = None, limit: int = 100) -> list[UserEvent]: ...

    def list_memberships(
        self, *, user_id: int | None = None, workspace_id: int | None = None
    ) -> list[Membership]: ...

    def set_site_admin(self, user_id: int, on: bool) -> None: ...

    def site_admin_ids(self) -> set[int]: ...


class WorkspaceStore(Protocol):
    """``store.workspaces``: workspaces, their enrichment settings, queries and watchlists.

    SQL in :mod:`socialhub.store.admin`.
    """

    def upsert_workspace(self, ws: Workspace) -> Workspace: ...

    def get_workspace(self, slug: str) -> Workspace | None: ...

    def list_workspaces(self) -> list[Workspace]: ...

    def get_workspace_settings(self, workspace_id: int) -> dict[str, Any]:
        """Settings of the enrichment layers (entities, categories...), JSON values."""
        ...

    def set_workspace_setting(self, workspace_id: int, key: str, value: Any) -> None: ...

    def upsert_query(self, query: Query) -> Query: ...

    def list_queries(
        self, workspace_id: int | None = None, *, enabled_only: bool = False
    ) -> list[Query]: ...

    def delete_query(self, query_id: int) -> None: ...

    def upsert_watchlist(self, watchlist: Watchlist) -> Watchlist:
        """Create or update by (workspace, name); the member list is replaced."""
        ...

    def list_watchlists(self, workspace_id: int | None = None) -> list[Watchlist]: ...

    def delete_watchlist(self, watchlist_id: int) -> None: ...


class SourceStateStore(Protocol):
    """``store.sources``: connectors' cursors and health, dead letters, quarantined input.

    SQL in :mod:`socialhub.store.sources`.
    """

    def get_source_cursor(self, source: str, target_key: str) -> dict[str, Any] | None: ...

    def source_cursors(self, source: str) -> dict[str, dict[str, Any]]: ...

    def save_source_cursor(self, source: str, target_key: str, cursor: dict[str, Any]) -> None: ...

    def delete_source_state(self, source: str) -> None: ...

    def save_source_health(self, source: str, health: dict[str, Any]) -> None: ...

    def get_source_health(self, source: str) -> dict[str, Any] | None: ...

    def list_source_health(self) -> dict[str, dict[str, Any]]: ...

    def add_dead_letter(self, letter: DeadLetter) -> int: ...

    def list_dead_letters(self, source: str | None = None, *, limit: int = 100) -> list[DeadLetter]:
        """Newest first."""
        ...

    def count_dead_letters(self, source: str | None = None) -> int: ...

    def quarantine(self, items: Sequence[QuarantineItem]) -> int: ...

    def list_quarantine(
        self, limit: int = 100, source: str | None = None
    ) -> list[QuarantineItem]: ...

    def count_quarantine(self, source: str | None = None) -> int: ...


class RelevanceStore(Protocol):
    """``store.relevance``: analysts' relevance labels and the trained models per query.

    SQL in :mod:`socialhub.store.relevance`.
    """

    def add_labels(self, labels: Sequence[RelevanceLabel]) -> int: ...

    def delete_label(self, query_id: int, mention_id: str) -> None: ...

    def list_labels(self, query_id: int) -> list[RelevanceLabel]: ...

    def labelled_texts(self, query_id: int) -> list[LabelledText]: ...

    def relevance_label_counts(self) -> dict[int, tuple[int, int]]: ...

    def relevance_candidates(
        self, query_id: int, *, limit: int = 2000
    ) -> list[tuple[str, str, float | None]]: ...

    def relevance_counts(self, query_id: int) -> RelevanceCounts: ...

    def save_relevance_model(
        self, query_id: int, weights: bytes, *, n_labels: int, metrics: dict[str, Any]
    ) -> int: ...

    def load_relevance_model(self, query_id: int) -> RelevanceModelRecord | None: ...

    def relevance_model_versions(self) -> dict[int, int]: ...

    def delete_relevance_model(self, query_id: int) -> None: ...


class StoryStore(Protocol):
    """Stories (``store.stories``): what the story service, web pages and API need."""

    def save(self, stories: Sequence[StoryRecord], members: Sequence[tuple[int, str, str]]) -> None:
        """Upsert records by (workspace, key) and add ``(workspace, key, mention id)``."""
        ...

    def merge(self, workspace_id: int, old_key: str, new_key: str) -> None: ...

    def get(self, workspace_id: int, story_id: int) -> StoryRecord | None: ...

    def get_by_key(self, workspace_id: int, key: str) -> StoryRecord | None: ...

    def list_stories(
        self,
        workspace_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        order: str = "importance",
        min_size: int = 1,
        limit: int = 50,
    ) -> list[StoryRecord]: ...

    def stories_of(self, workspace_id: int, mention_ids: Sequence[str]) -> dict[str, int]: ...

    def mentions(
        self, workspace_id: int, story_id: int, *, limit: int = 50, offset: int = 0
    ) -> list[Mention]: ...

    def member_ids(self, workspace_id: int, story_id: int) -> list[str]: ...


class IncidentStore(Protocol):
    """Incidents (``store.incidents``, issue 14): records, the alerts and stories they
    group, their append-only timeline. SQL in :mod:`socialhub.store.incidents`."""

    def save_incident(self, incident: Incident) -> Incident:
        """Insert (no id) or update (id); returns a copy with id and times."""
        ...

    def get_incident(
        self, incident_id: int, workspace_id: int | None = None
    ) -> Incident | None: ...

    def list_incidents(
        self,
        workspace_id: int | None = None,
        *,
        status: str | None = None,
        order: str = "importance",
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[Incident]: ...

    def link(
        self, incident_id: int, kind: str, ref_id: int, at: datetime | None = None
    ) -> bool: ...

    def alert_ids(self, incident_id: int) -> list[int]: ...

    def story_ids(self, incident_id: int) -> list[int]: ...

    def incidents_of(self, kind: str, ref_id: int) -> list[int]: ...

    def add_event(self, event: IncidentEvent) -> IncidentEvent: ...

    def timeline(self, incident_id: int) -> list[IncidentEvent]: ...


class OncallStore(Protocol):
    """On-call pages (``store.oncall``, issue 14): the escalation log."""

    def add_page(self, page: Page) -> Page: ...

    def list_pages(
        self, subject: str | None = None, *, workspace_id: int | None = None, limit: int = 200
    ) -> list[Page]: ...


class AlertStore(Protocol):
    """``store.alerts``: alerts, their audit trail, deliveries, notifications, per-rule tuning.

    SQL in :mod:`socialhub.store.alerts`.
    """

    def save_alert(self, alert: Alert) -> Alert:
        """Insert (no id) or update (id) an alert; returns a copy with id and times."""
        ...

    def get_alert(self, alert_id: int) -> Alert | None: ...

    def list_alerts(
        self,
        *,
        workspace_id: int | None = None,
        state: str | None = None,
        rule: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
        order: str = "recent",
        until: datetime | None = None,
        min_severity: int | None = None,
    ) -> list[Alert]:
        """Newest first (``order="severity"``: most severe first); ``state="active"``
        means open or acknowledged; ``since``/``until``: active in the window (last
        signal at or after ``since``, first before ``until``); ``min_severity``: peak
        severity at least this."""
        ...

    def latest_alert(self, rule: str) -> Alert | None: ...

    def add_alert_event(self, event: AlertEvent) -> AlertEvent: ...

    def list_alert_events(self, alert_id: int) -> list[AlertEvent]: ...

    def add_delivery(self, delivery: Delivery) -> Delivery: ...

    def list_deliveries(
        self, *, alert_id: int | None = None, channel: str | None = None, limit: int = 200
    ) -> list[Delivery]: ...

    def count_deliveries(self, channel: str, since: datetime, *, status: str = "sent") -> int: ...

    def add_notification(self, note: Notification) -> Notification: ...

    def list_notifications(
        self,
        *,
        workspace_id: int | None = None,
        username: str | None = None,
        unread_only: bool = False,
        limit: int = 100,
    ) -> list[Notification]: ...

    def mark_notification_read(self, notification_id: int, at: datetime | None = None) -> None: ...

    def get_tuning(self, rule: str) -> Tuning | None: ...

    def list_tuning(self, workspace_id: int | None = None) -> list[Tuning]: ...

    def save_tuning(self, tuning: Tuning) -> Tuning: ...


class ReportStore(Protocol):
    """``store.reports``: the report archive, its delivery log and schedule state.

    SQL in :mod:`socialhub.store.reports`.
    """

    def claim_report(self, report: Report) -> tuple[Report, bool]:
        """Insert unless its slot (workspace, schedule, period_end) is taken; returns the
        stored report and whether this call created it."""
        ...

    def update_report(self, report: Report) -> Report: ...

    def get_report(self, report_id: int) -> Report | None: ...

    def list_reports(
        self,
        *,
        workspace_id: int | None = None,
        kind: str | None = None,
        schedule: str | None = None,
        limit: int = 50,
    ) -> list[Report]:
        """Newest period first, without HTML nor PDF."""
        ...

    def add_report_delivery(self, delivery: ReportDelivery) -> ReportDelivery: ...

    def list_report_deliveries(self, report_id: int | None = None) -> list[ReportDelivery]: ...

    def get_schedule_state(self, workspace_id: int, name: str) -> datetime | None: ...

    def set_schedule_state(self, workspace_id: int, name: str, last_slot: datetime) -> None: ...


class LaunchStore(Protocol):
    """``store.launches``: the competitor launch monitor's library.

    SQL in :mod:`socialhub.store.launches`.
    """

    def save_launch(self, launch: LaunchRecord) -> LaunchRecord:
        """Insert or update by name; returns a copy with id and times."""
        ...

    def get_launch(self, name: str) -> LaunchRecord | None: ...

    def list_launches(
        self, *, workspace_id: int | None = None, library_only: bool = False
    ) -> list[LaunchRecord]:
        """Oldest launch first; ``library_only``: measured launches kept for ranking."""
        ...

    def delete_launch(self, name: str) -> None: ...


class SessionStore(Protocol):
    """``store.sessions``: web sessions, API tokens, failed logins (secrets come as SHA-256 hex).

    SQL in :mod:`socialhub.store.web`.
    """

    def create_session(self, session: WebSession) -> None: ...

    def get_session(self, id_hash: str) -> WebSession | None: ...

    def touch_session(self, id_hash: str, at: datetime) -> None: ...

    def delete_session(self, id_hash: str) -> None: ...

    def delete_user_sessions(self, user_id: int) -> int: ...

    def purge_sessions(self, *, seen_before: datetime, created_before: datetime) -> int: ...

    def add_api_token(self, token: ApiToken, token_hash: str) -> ApiToken: ...

    def find_api_token(self, token_hash: str) -> ApiToken | None: ...

    def list_api_tokens(self, user_id: int) -> list[ApiToken]: ...

    def revoke_api_token(self, user_id: int, token_id: int, at: datetime) -> bool: ...

    def touch_api_token(self, token_id: int, at: datetime) -> None: ...

    def add_login_failure(self, key: str, at: datetime) -> None: ...

    def login_failures(self, key: str, since: datetime) -> list[datetime]: ...

    def clear_login_failures(
        self, key: str | None = None, *, before: datetime | None = None
    ) -> None: ...


class WallStore(Protocol):
    """``store.walls``: the wall of screens' read-only kiosk tokens.

    SQL in :mod:`socialhub.store.walls`.
    """

    def add_wall_token(self, token: WallToken, token_hash: str) -> WallToken: ...

    def find_wall_token(self, token_hash: str) -> WallToken | None: ...

    def list_wall_tokens(self, workspace_id: int) -> list[WallToken]: ...

    def revoke_wall_token(self, workspace_id: int, token_id: int, at: datetime) -> bool: ...


class DashboardStore(Protocol):
    """``store.dashboard``: dashboard aggregates and the explore page's filtered pages and facets.

    SQL in :mod:`socialhub.store.dashboard`.
    """

    def query_volume_slots(
        self, workspace_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, int, int]]:
        """``(query_id, 15-minute UTC slot, count)`` of routed mentions in a window."""
        ...

    def sentiment_slots(
        self, workspace_id: int, since: datetime, until: datetime
    ) -> list[tuple[str, int, int]]: ...

    def top_authors(
        self, workspace_id: int, since: datetime, until: datetime, *, limit: int = 10
    ) -> list[AuthorStat]: ...

    def search_page(
        self,
        query: str | Node | None,
        *,
        workspace_id: int,
        since: datetime | None = None,
        until: datetime | None = None,
        sentiment: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[list[Mention], str | None]:
        """A page newest first and the next page's cursor (None on the last page)."""
        ...

    def facet_counts(
        self,
        field: str,
        query: str | Node | None,
        *,
        workspace_id: int,
        since: datetime | None = None,
        until: datetime | None = None,
        sentiment: str | None = None,
        limit: int = 20,
    ) -> list[tuple[str, int]]: ...


class CheckpointStore(Protocol):
    """``store.checkpoints``: detector state by partition, with leases.

    SQL in :mod:`socialhub.store.checkpoints`.
    """

    def claim_partition(
        self, partition: str, owner: str, until: datetime, now: datetime | None = None
    ) -> bool: ...

    def release_partition(self, partition: str, owner: str) -> bool: ...

    def save_checkpoint(self, partition: str, owner: str, state: bytes) -> bool: ...

    def load_checkpoint(self, partition: str) -> bytes | None: ...

    def list_partitions(self) -> list[PartitionLease]: ...


class ProcessStore(Protocol):
    """``store.processes``: process heartbeats (socialhub status).

    SQL in :mod:`socialhub.store.checkpoints`.
    """

    def beat(self, beat: ProcessBeat) -> None: ...

    def list_processes(self, role: str | None = None) -> list[ProcessBeat]: ...

    def forget_process(self, process_id: str) -> None: ...

    def prune_processes(self, beat_before: datetime) -> int: ...


class ChainStore(Protocol):
    """Append-only hash chains (``store.chain``): the engagement audit log and the legal
    chains of custody. What the engagement layer and the legal desk need."""

    def append(
        self,
        chain: str,
        actor: str,
        action: str,
        subject: str,
        payload: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> ChainEntry: ...

    def append_in(
        self,
        cur: Any,
        chain: str,
        actor: str,
        action: str,
        subject: str,
        payload: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> ChainEntry: ...

    def head(self, chain: str) -> ChainEntry | None: ...

    def chains(self, prefix: str = "") -> list[str]: ...

    def iter_entries(self, chain: str) -> Iterator[ChainEntry]: ...

    def entries(
        self, chain: str, *, limit: int = 100, before_seq: int | None = None
    ) -> list[ChainEntry]: ...

    def for_subject(self, subject: str, chain: str | None = None) -> list[ChainEntry]: ...

    def verify(self, chain: str | None = None, *, prefix: str = "") -> ChainBreak | None: ...


class EngageStore(Protocol):
    """Engagement (``store.engage``): official accounts, inbox, saved replies, drafts and
    approvals. Writes named ``*_in`` take the cursor of :meth:`transaction`."""

    def transaction(self) -> AbstractContextManager[Any]: ...

    def upsert_account(
        self, account: OfficialAccount, at: datetime
    ) -> tuple[OfficialAccount, str]: ...

    def find_account(self, platform: str, handle: str) -> OfficialAccount | None: ...

    def get_account(self, account_id: int) -> OfficialAccount | None: ...

    def list_accounts(self, *, active_only: bool = True) -> list[OfficialAccount]: ...

    def add_items(self, items: list[InboxItem]) -> int: ...

    def known_mentions(self, workspace_id: int, since: datetime) -> set[str]: ...

    def get_item(self, item_id: int, workspace_id: int | None = None) -> InboxItem | None: ...

    def find_item(self, workspace_id: int, mention_id: str) -> InboxItem | None: ...

    def list_items(
        self, workspace_id: int | None, statuses: tuple[str, ...] = ..., limit: int = 200
    ) -> list[InboxItem]: ...

    def update_item_in(self, cur: Any, item_id: int, **values: Any) -> None: ...

    def record_open(
        self, item_id: int, username: str, at: datetime, within_s: float
    ) -> list[str]: ...

    def save_template(self, tpl: ReplyTemplate, at: datetime) -> ReplyTemplate: ...

    def list_templates(self, workspace_id: int) -> list[ReplyTemplate]: ...

    def add_draft_in(self, cur: Any, d: Draft) -> Draft: ...

    def get_draft(self, draft_id: int, workspace_id: int | None = None) -> Draft | None: ...

    def get_draft_in(self, cur: Any, draft_id: int) -> Draft | None: ...

    def list_drafts(
        self,
        workspace_id: int | None = None,
        statuses: tuple[str, ...] = ...,
        *,
        item_id: int | None = None,
        limit: int = 200,
    ) -> list[Draft]: ...

    def update_draft_in(self, cur: Any, draft_id: int, **values: Any) -> None: ...

    def add_approval_in(self, cur: Any, a: Approval) -> None: ...

    def approvals_in(self, cur: Any, draft_id: int) -> list[Approval]: ...

    def list_approvals(self, draft_id: int) -> list[Approval]: ...

    def due_drafts(self, now: datetime, limit: int = 50) -> list[Draft]: ...


class Store(Protocol):
    """A whole store: one repository per feature, all sharing one connection.

    Ask for the narrowest of the protocols above that a piece of code uses; take the
    whole ``Store`` only to hand repositories out (the hub, the CLI, the web app).
    """

    url: str

    @property
    def mentions(self) -> MentionStore: ...

    @property
    def accounts(self) -> AccountStore: ...

    @property
    def workspaces(self) -> WorkspaceStore: ...

    @property
    def sources(self) -> SourceStateStore: ...

    @property
    def relevance(self) -> RelevanceStore: ...

    @property
    def alerts(self) -> AlertStore: ...

    @property
    def reports(self) -> ReportStore: ...

    @property
    def launches(self) -> LaunchStore: ...

    @property
    def sessions(self) -> SessionStore: ...

    @property
    def walls(self) -> WallStore: ...

    @property
    def dashboard(self) -> DashboardStore: ...

    @property
    def checkpoints(self) -> CheckpointStore: ...

    @property
    def processes(self) -> ProcessStore: ...

    @property
    def stories(self) -> StoryStore: ...

    @property
    def incidents(self) -> IncidentStore: ...

    @property
    def oncall(self) -> OncallStore: ...

    @property
    def chain(self) -> ChainStore: ...

    @property
    def engage(self) -> EngageStore: ...

    def migrate(self, progress: Callable[[int, int], None] | None = None) -> list[str]:
        """Apply pending named migrations (and any search re-index they ask for, calling
        ``progress(done, total)``); return the names applied now."""
        ...

    def applied_migrations(self) -> list[str]: ...

    def close(self) -> None: ...
