"""Drafts, approvals, refusals and publication, each written to the audit chain.

Every state change and its audit entry commit in ONE transaction (the audit line
cannot be missing for an action that happened, nor exist for one that did not).
Refused attempts (an undeclared account, approving one's own draft, a role that may
not approve) are audited in their own transaction before the error is raised.

Publishing (:meth:`Engagement.publish_due`) is separate from approval on purpose:
approval only marks the draft ``approved`` (it is then in the outbox); the scheduler,
or the request that gave the last approval, publishes it. A draft claimed for
publishing is ``publishing``; a process killed there leaves it so, and the next run
(after ``lease``) asks the platform whether the post is out before sending anything.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialhub.engage.accounts import AccountRefused, check_allowed
from socialhub.engage.inbox import SCAN_WINDOW, TriageContext, triage_all
from socialhub.engage.policy import EngagePolicy, policy_from
from socialhub.engage.publishers import build_publisher
from socialhub.engage.publishing import Outcome, PostRequest, Publisher, publish_once
from socialhub.models import Workspace, utcnow
from socialhub.records.engage import Approval, Draft, InboxItem, OfficialAccount
from socialhub.store.base import ChainStore, EngageStore

AUDIT = "audit"
TEXT_LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500, "facebook": 8000, "youtube": 10000}
LEASE = timedelta(minutes=2)  # a 'publishing' draft older than this was abandoned


class EngageError(ValueError):
    """A request that cannot be done as asked (HTTP 400/409): the message says why.

    ``key`` and ``values`` name the message for the reader's language
    (``e.<key>`` in :mod:`socialhub.engage.texts`); ``str()`` is the English text.
    """

    status = 400

    def __init__(self, message: str, key: str = "", **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


class Forbidden(EngageError):
    """Not allowed for this person (HTTP 403); the attempt has been audited."""

    status = 403


class NotFound(EngageError):
    status = 404


@dataclass(frozen=True, slots=True)
class Actor:
    username: str
    role: str  # the role in the workspace ("admin", "analyst", "press", ...)


class Engagement:
    """The engagement rules over a store. ``clock`` and ``sleep`` are injectable."""

    def __init__(
        self,
        store: Any,
        *,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
        env: Mapping[str, str] | None = None,
        publisher_factory: Callable[..., Publisher] = build_publisher,
        open_case: Callable[[str], bool] = lambda mention_id: False,
        lease: timedelta = LEASE,
    ) -> None:
        self.store = store
        self.repo: EngageStore = store.engage
        self.chain: ChainStore = store.chain
        self.clock = clock
        self.sleep = sleep
        self.env = env
        self.publisher_factory = publisher_factory
        self.open_case = open_case  # the legal desk plugs in "a case is open on this thread"
        self.lease = lease

    # -- reading --------------------------------------------------------------------

    def policy(self, ws: Workspace) -> EngagePolicy:
        assert ws.id is not None
        return policy_from(self.store.workspaces.get_workspace_settings(ws.id))

    def accounts_for(self, ws: Workspace) -> list[OfficialAccount]:
        """The declared accounts this workspace may speak from (all the UI offers)."""
        return [a for a in self.repo.list_accounts() if ws.slug in a.workspaces]

    def open_incidents(self, ws: Workspace, policy: EngagePolicy) -> list[Any]:
        alerts = self.store.alerts.list_alerts(workspace_id=ws.id, state="active", limit=200)
        return [a for a in alerts if a.severity >= policy.incident_severity]

    def _audit_alone(self, actor: str, action: str, subject: str, payload: dict[str, Any]) -> None:
        self.chain.append(AUDIT, actor, action, subject, payload, at=self.clock())

    # -- inbox ----------------------------------------------------------------------

    def refresh_inbox(self, ws: Workspace, *, window: timedelta = SCAN_WINDOW) -> int:
        """Triage the workspace's recent mentions into the inbox; returns items added."""
        assert ws.id is not None
        now = self.clock()
        policy = self.policy(ws)
        incidents = {
            mention_id: alert.title
            for alert in self.open_incidents(ws, policy)
            for mention_id in alert.evidence
        }
        published = self.repo.list_drafts(ws.id, ("published",), limit=500)
        ctx = TriageContext(
            ws,
            self.accounts_for(ws),
            {
                w.name
                for w in self.store.workspaces.list_watchlists(ws.id)
                if w.list_type == "journalist"
            },
            incidents,
            {
                f"{self.repo.get_account(d.account_id).platform}:{d.published_id}"  # type: ignore[union-attr]
                for d in published
                if d.published_id
            },
        )
        since = now - window
        known = self.repo.known_mentions(ws.id, since - timedelta(days=1))
        mentions = self.store.mentions.search(None, workspace_id=ws.id, since=since, limit=2000)
        fresh = [m for m in mentions if m.id not in known]
        return self.repo.add_items(triage_all(fresh, ctx, now))

    def item(self, ws: Workspace, item_id: int) -> InboxItem:
        found = self.repo.get_item(item_id, ws.id)
        if found is None:
            raise NotFound(f"no inbox item {item_id} in this workspace", "no_item", id=item_id)
        return found

    def open_item(self, ws: Workspace, item_id: int, actor: Actor) -> tuple[InboxItem, list[str]]:
        """The item, and who else opened it in the last minutes (the collision warning)."""
        item = self.item(ws, item_id)
        window = self.policy(ws).collision_minutes * 60
        others = self.repo.record_open(item_id, actor.username, self.clock(), window)
        return item, others

    def assign(self, ws: Workspace, item_id: int, actor: Actor, assignee: str) -> InboxItem:
        item = self.item(ws, item_id)
        self._need_draft_role(ws, actor)
        status = item.status
        if status in ("new", "assigned"):
            status = "assigned" if assignee else "new"
        detail = {"assignee": assignee, "mention": item.mention_id}
        self._change_item(
            item_id, actor, "inbox.assigned", detail, assignee=assignee, status=status
        )
        return self.item(ws, item_id)

    def tag(self, ws: Workspace, item_id: int, actor: Actor, tags: list[str]) -> InboxItem:
        self.item(ws, item_id)
        self._need_draft_role(ws, actor)
        clean = sorted({t.strip()[:40] for t in tags if t.strip()})[:20]
        self._change_item(item_id, actor, "inbox.tagged", {"tags": clean}, tags=clean)
        return self.item(ws, item_id)

    def set_status(self, ws: Workspace, item_id: int, actor: Actor, status: str) -> InboxItem:
        """Close an item (or reopen it): the other statuses follow the drafts."""
        item = self.item(ws, item_id)
        self._need_draft_role(ws, actor)
        if status not in ("closed", "new"):
            raise EngageError("only 'closed' or 'new' (reopen) can be set by hand", "bad_status")
        if status == "new" and item.assignee:
            status = "assigned"
        closed_at = self.clock() if status == "closed" else None
        detail = {"from": item.status}
        self._change_item(
            item_id, actor, f"inbox.{status}", detail, status=status, closed_at=closed_at
        )
        return self.item(ws, item_id)

    def _change_item(
        self, item_id: int, actor: Actor, action: str, detail: dict[str, Any], **values: Any
    ) -> None:
        """Update an inbox item and record who did it, in one transaction."""
        with self.repo.transaction() as cur:
            self.repo.update_item_in(cur, item_id, **values)
            self._audit(cur, actor.username, action, f"item:{item_id}", detail)

    # -- drafts -----------------------------------------------------------------------

    def _audit(
        self,
        cur: Any,
        who: str,
        action: str,
        subject: str,
        detail: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        """One event of the engagement audit chain, in the caller's transaction."""
        self.chain.append_in(cur, AUDIT, who, action, subject, detail, at=at or self.clock())

    def _need_draft_role(self, ws: Workspace, actor: Actor) -> None:
        if not self.policy(ws).can_draft(actor.role):
            raise Forbidden(
                f"your role ({actor.role}) cannot draft or triage here",
                "no_draft_role",
                role=actor.role,
            )

    def _refuse_account(
        self, ws: Workspace, actor: Actor, account_id: int | str, exc: AccountRefused
    ) -> Forbidden:
        self._audit_alone(
            actor.username,
            "publish.refused",
            f"account:{account_id}",
            {"workspace": ws.slug, "reason": str(exc)},
        )
        return Forbidden(str(exc), exc.key, **exc.values)

    def checked_account(self, ws: Workspace, actor: Actor, account_id: int) -> OfficialAccount:
        """The declared account, or a refusal written to the audit chain."""
        account = self.repo.get_account(account_id)
        try:
            check_allowed(account, ws.slug, f"account #{account_id}")
        except AccountRefused as exc:
            raise self._refuse_account(ws, actor, account_id, exc) from None
        assert account is not None
        return account

    def refuse_undeclared(self, ws: Workspace, actor: Actor, platform: str, handle: str) -> None:
        """Publishing from ``platform:@handle`` when it is not declared: audited, refused."""
        account = self.repo.find_account(platform, handle.lstrip("@").lower())
        label = f"{platform}:@{handle.lstrip('@')}"
        try:
            check_allowed(account, ws.slug, label)
        except AccountRefused as exc:
            raise self._refuse_account(ws, actor, label, exc) from None

    def create_draft(
        self,
        ws: Workspace,
        actor: Actor,
        *,
        account_id: int,
        text: str,
        item_id: int | None = None,
        scheduled_at: datetime | None = None,
        reply_settings: str = "",
        submit: bool = True,
    ) -> Draft:
        """A reply (with ``item_id``) or a new post, submitted for approval by default."""
        assert ws.id is not None
        self._need_draft_role(ws, actor)
        account = self.checked_account(ws, actor, account_id)
        text = text.strip()
        self._check_text(account, text)
        reply_to = ""
        if item_id is not None:
            item = self.item(ws, item_id)
            if item.platform != account.platform:
                raise EngageError(
                    f"this item is on {item.platform}: answer from a {item.platform} account"
                )
            reply_to = item.mention_id
        now = self.clock()
        if scheduled_at is not None and scheduled_at <= now:
            raise EngageError("the scheduled time is in the past", "past")
        draft = Draft(
            workspace_id=ws.id,
            account_id=account_id,
            kind="reply" if reply_to else "post",
            text=text,
            author=actor.username,
            client_key=secrets.token_hex(16),
            created_at=now,
            updated_at=now,
            item_id=item_id,
            reply_to=reply_to,
            reply_settings=reply_settings,
            status="waiting" if submit else "draft",
            approvals_needed=self._approvals_needed(ws, account),
            scheduled_at=scheduled_at,
        )
        with self.repo.transaction() as cur:
            self.repo.add_draft_in(cur, draft)
            if item_id is not None and submit:
                self.repo.update_item_in(cur, item_id, status="waiting_approval")
            self._audit(
                cur,
                actor.username,
                "draft.created",
                f"draft:{draft.id}",
                self._draft_payload(ws, draft, account),
                at=now,
            )
        return draft

    def _approvals_needed(self, ws: Workspace, account: OfficialAccount) -> int:
        policy = self.policy(ws)
        return policy.approvals_needed(
            in_incident=bool(self.open_incidents(ws, policy)), account_two=account.two_approvers
        )

    @staticmethod
    def _check_text(account: OfficialAccount, text: str) -> None:
        if not text:
            raise EngageError("the text is empty", "empty")
        limit = TEXT_LIMITS.get(account.platform, 5000)
        if len(text) > limit:
            raise EngageError(
                f"{len(text)} characters: {account.platform} allows {limit}",
                "too_long",
                n=len(text),
                platform=account.platform,
                limit=limit,
            )

    @staticmethod
    def _draft_payload(ws: Workspace, d: Draft, account: OfficialAccount) -> dict[str, Any]:
        return {
            "workspace": ws.slug,
            "account": account.label,
            "kind": d.kind,
            "text": d.text,
            "reply_to": d.reply_to,
            "item": d.item_id,
            "status": d.status,
            "approvals_needed": d.approvals_needed,
            "scheduled_at": None if d.scheduled_at is None else d.scheduled_at.isoformat(),
        }

    def draft(self, ws: Workspace, draft_id: int) -> Draft:
        found = self.repo.get_draft(draft_id, ws.id)
        if found is None:
            raise NotFound(f"no draft {draft_id} in this workspace", "no_draft", id=draft_id)
        return found

    def edit_draft(
        self, ws: Workspace, draft_id: int, actor: Actor, text: str, *, submit: bool = True
    ) -> Draft:
        d = self.draft(ws, draft_id)
        self._need_draft_role(ws, actor)
        if d.status not in ("draft", "waiting", "refused"):
            raise EngageError(f"a {d.status} draft cannot be edited", "not_editable")
        if self.repo.list_approvals(draft_id) and d.status == "waiting":
            raise EngageError("already approved by someone: refuse it, then edit", "approved_once")
        account = self.checked_account(ws, actor, d.account_id)
        text = text.strip()
        self._check_text(account, text)
        status = "waiting" if submit else "draft"
        now = self.clock()
        with self.repo.transaction() as cur:
            self.repo.update_draft_in(
                cur,
                draft_id,
                text=text,
                status=status,
                updated_at=now,
                approvals_needed=self._approvals_needed(ws, account),
            )
            if d.item_id is not None and submit:
                self.repo.update_item_in(cur, d.item_id, status="waiting_approval")
            self._audit(
                cur,
                actor.username,
                "draft.edited",
                f"draft:{draft_id}",
                {"text": text, "previous": d.text, "status": status},
                at=now,
            )
        return self.draft(ws, draft_id)

    # -- approvals ----------------------------------------------------------------------

    def approve(self, ws: Workspace, draft_id: int, actor: Actor, note: str = "") -> Draft:
        """One approval; the last one needed moves the draft to the outbox."""
        d = self.draft(ws, draft_id)
        policy = self.policy(ws)
        subject = f"draft:{draft_id}"
        if d.author == actor.username:
            self._audit_alone(actor.username, "approval.denied", subject, {"reason": "own draft"})
            raise Forbidden("nobody approves their own draft: ask a colleague", "own_draft")
        if not policy.can_approve(actor.role):
            self._audit_alone(
                actor.username,
                "approval.denied",
                subject,
                {"reason": f"role {actor.role} may not approve"},
            )
            raise Forbidden(
                f"your role ({actor.role}) cannot approve here", "no_approve_role", role=actor.role
            )
        self.checked_account(ws, actor, d.account_id)
        now = self.clock()
        with self.repo.transaction() as cur:
            current = self.repo.get_draft_in(cur, draft_id)
            assert current is not None
            if current.status != "waiting":
                raise EngageError(
                    f"this draft is {current.status}, not waiting for approval", "not_waiting"
                )
            done = self.repo.approvals_in(cur, draft_id)
            if any(a.username == actor.username for a in done):
                raise EngageError("you have approved this draft already", "twice")
            self.repo.add_approval_in(
                cur, Approval(draft_id, actor.username, "approved", now, note)
            )
            approvers = [a for a in done if a.decision == "approved"] + [
                Approval(draft_id, actor.username, "approved", now, note)
            ]
            legal_ok = True
            if current.reply_to and self.open_case(current.reply_to):
                legal_ok = any(
                    self._role_of(ws, a.username) in policy.legal_roles for a in approvers
                )
            complete = len(approvers) >= current.approvals_needed and legal_ok
            if complete:
                self.repo.update_draft_in(cur, draft_id, status="approved", updated_at=now)
            self._audit(
                cur,
                actor.username,
                "draft.approved" if complete else "draft.approval",
                subject,
                {
                    "note": note,
                    "approvals": len(approvers),
                    "needed": current.approvals_needed,
                    "legal_needed": not legal_ok,
                },
                at=now,
            )
        return self.draft(ws, draft_id)

    def _role_of(self, ws: Workspace, username: str) -> str:
        user = self.store.accounts.get_user(username)
        if user is None or user.id is None:
            return ""
        for m in self.store.accounts.list_memberships(user_id=user.id, workspace_id=ws.id):
            return str(m.role.value if hasattr(m.role, "value") else m.role)
        return ""

    def refuse(self, ws: Workspace, draft_id: int, actor: Actor, note: str) -> Draft:
        d = self.draft(ws, draft_id)
        if not self.policy(ws).can_approve(actor.role) or d.author == actor.username:
            self._audit_alone(
                actor.username, "approval.denied", f"draft:{draft_id}", {"reason": "may not refuse"}
            )
            raise Forbidden(
                "only an approver other than the author can refuse a draft", "no_refuse"
            )
        if d.status != "waiting":
            raise EngageError(f"this draft is {d.status}, not waiting for approval", "not_waiting")
        now = self.clock()
        with self.repo.transaction() as cur:
            self.repo.add_approval_in(cur, Approval(draft_id, actor.username, "refused", now, note))
            self.repo.update_draft_in(cur, draft_id, status="refused", updated_at=now)
            if d.item_id is not None:
                item = self.repo.get_item(d.item_id)
                back = "assigned" if item is not None and item.assignee else "new"
                self.repo.update_item_in(cur, d.item_id, status=back)
            self._audit(
                cur,
                actor.username,
                "draft.refused",
                f"draft:{draft_id}",
                {"note": note},
                at=now,
            )
        return self.draft(ws, draft_id)

    # -- publishing ----------------------------------------------------------------------

    def publish_due(self, *, only: int | None = None) -> list[tuple[int, Outcome | None]]:
        """Publish approved drafts whose time has come (and recover abandoned ones)."""
        results: list[tuple[int, Outcome | None]] = []
        for d in self.repo.due_drafts(self.clock()):
            if only is not None and d.id != only:
                continue
            assert d.id is not None
            results.append((d.id, self.publish_draft(d.id)))
        return results

    def _claim(self, draft_id: int) -> Draft | None:
        now = self.clock()
        with self.repo.transaction() as cur:
            d = self.repo.get_draft_in(cur, draft_id)
            if d is None:
                return None
            stale = d.status == "publishing" and d.updated_at <= now - self.lease
            due = d.scheduled_at is None or d.scheduled_at <= now
            if not ((d.status == "approved" and due) or stale):
                return None  # someone else is on it, or not yet
            self.repo.update_draft_in(cur, draft_id, status="publishing", updated_at=now)
        return d

    def publish_draft(self, draft_id: int, *, max_wait: float = 900.0) -> Outcome | None:
        d = self._claim(draft_id)
        if d is None:
            return None
        ws = next(
            (w for w in self.store.workspaces.list_workspaces() if w.id == d.workspace_id), None
        )
        assert ws is not None
        account = self.repo.get_account(d.account_id)
        try:
            check_allowed(account, ws.slug, f"account #{d.account_id}")
        except AccountRefused as exc:
            self._finish_failed(d, "publish.refused", str(exc))
            return Outcome(None, d.attempts, str(exc))
        assert account is not None
        target = self.store.mentions.get_mention(d.reply_to) if d.reply_to else None
        if d.reply_to and target is None:
            self._finish_failed(d, "publication.failed", f"mention {d.reply_to} is not stored")
            return Outcome(None, d.attempts, "target missing")
        request = PostRequest(d.text, d.client_key, d.created_at, target, d.reply_settings)
        try:
            publisher = self.publisher_factory(account, clock=self.clock, env=self.env)
        except (AccountRefused, ValueError) as exc:
            self._finish_failed(d, "publication.failed", str(exc))
            return Outcome(None, d.attempts, str(exc))
        try:
            outcome = publish_once(
                publisher,
                request,
                previous_attempts=d.attempts,
                on_attempt=lambda n: self._attempt(d, account, n),
                sleep=self.sleep,
                max_wait=max_wait,
            )
        finally:
            publisher.close()
        if outcome.published is not None:
            self._finish_published(d, account, outcome)
        elif outcome.final:
            self._finish_failed(d, "publication.failed", outcome.error)
        else:
            with self.repo.transaction() as cur:  # stays 'publishing': retried after the lease
                self.repo.update_draft_in(
                    cur, d.id or 0, last_error=outcome.error[:500], updated_at=self.clock()
                )
        return outcome

    def _attempt(self, d: Draft, account: OfficialAccount, n: int) -> None:
        now = self.clock()
        with self.repo.transaction() as cur:
            self.repo.update_draft_in(cur, d.id or 0, attempts=n, updated_at=now)
            self._audit(
                cur,
                "socialhub",
                "publication.attempt",
                f"draft:{d.id}",
                {"attempt": n, "account": account.label},
                at=now,
            )

    def _finish_published(self, d: Draft, account: OfficialAccount, outcome: Outcome) -> None:
        assert outcome.published is not None
        now = self.clock()
        pub = outcome.published
        with self.repo.transaction() as cur:
            self.repo.update_draft_in(
                cur,
                d.id or 0,
                status="published",
                published_id=pub.id,
                published_url=pub.url,
                published_at=now,
                updated_at=now,
                last_error="",
                attempts=outcome.attempts,
            )
            if d.item_id is not None:
                item = self.repo.get_item(d.item_id)
                if item is not None:
                    self.repo.update_item_in(
                        cur,
                        d.item_id,
                        status="answered",
                        first_response_at=item.first_response_at or now,
                        answered_by=item.answered_by or d.author,
                    )
            self._audit(
                cur,
                "socialhub",
                "publication",
                f"draft:{d.id}",
                {
                    "account": account.label,
                    "platform_id": pub.id,
                    "url": pub.url,
                    "reply_to": d.reply_to,
                    "text": d.text,
                    "attempts": outcome.attempts,
                    "found_existing": pub.found_existing,
                },
                at=now,
            )

    def _finish_failed(self, d: Draft, action: str, error: str) -> None:
        now = self.clock()
        with self.repo.transaction() as cur:
            self.repo.update_draft_in(
                cur, d.id or 0, status="failed", last_error=error[:500], updated_at=now
            )
            if d.item_id is not None:
                self.repo.update_item_in(cur, d.item_id, status="assigned")
            self._audit(cur, "socialhub", action, f"draft:{d.id}", {"error": error[:500]}, at=now)
