"""Persistence of engagement (migration 0017): official accounts, inbox, templates,
drafts and approvals.

Like :mod:`.chain`, a small repository over a store's connection primitives, not more
methods on the shared store class. Writes take the caller's cursor (``*_in``) so the
engagement layer changes a draft and appends its audit line in ONE transaction; reads
go through the store's reader connections. Nothing here decides anything: rules live in
:mod:`socialhub.engage`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from socialhub.records.engage import (
    DRAFT_STATUSES,
    INBOX_STATUSES,
    Approval,
    Draft,
    InboxItem,
    OfficialAccount,
    ReplyTemplate,
)
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Cursor, Repo

__all__ = [
    "DRAFT_STATUSES",
    "INBOX_STATUSES",
    "Approval",
    "Draft",
    "EngageRepo",
    "InboxItem",
    "OfficialAccount",
    "ReplyTemplate",
]

_ACCOUNT = (
    "platform, handle, display, native_id, workspaces, credentials, api_base, two_approvers, "
    "active, id"
)
_ITEM = (
    "workspace_id, mention_id, platform, reason, posted_at, entered_at, author, text, url, "
    "account_id, priority, why, status, assignee, tags, first_response_at, answered_by, "
    "closed_at, id"
)
_DRAFT = (
    "workspace_id, account_id, kind, text, author, client_key, created_at, updated_at, "
    "item_id, reply_to, reply_settings, status, approvals_needed, scheduled_at, attempts, "
    "published_id, published_url, published_at, last_error, id"
)
_ITEM_TIMES = {"posted_at", "entered_at", "first_response_at", "closed_at"}
_ITEM_JSON = {"why", "tags"}
_DRAFT_TIMES = {"created_at", "updated_at", "scheduled_at", "published_at"}


class EngageRepo(Repo):
    """Engagement tables (``store.engage``) over the store's connection object."""

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One write transaction: pass its cursor to the ``*_in`` methods here and to
        ``store.chain.append_in`` so the action and its audit line commit together."""
        with self._tx() as cur:
            yield cur

    def _x(self, cur: Cursor, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        cur.execute(self._sql(sql), tuple(params))
        return cur

    def _t(self, value: datetime | None) -> Any:
        return None if value is None else self._ts(value)

    def _d(self, value: Any) -> datetime | None:
        return None if value is None else self._dt(value)

    # -- official accounts ------------------------------------------------------------

    def _account(self, row: tuple[Any, ...]) -> OfficialAccount:
        platform, handle, display, native, ws, creds, base, two, active, acc_id = row
        return OfficialAccount(
            platform,
            handle,
            display,
            native,
            json.loads(ws),
            json.loads(creds),
            base,
            bool(two),
            bool(active),
            int(acc_id),
        )

    def upsert_account(self, account: OfficialAccount, at: datetime) -> tuple[OfficialAccount, str]:
        """Create or update by (platform, handle); returns it and created/updated/unchanged."""
        found = self.find_account(account.platform, account.handle)
        values = (
            clean(account.display),
            clean(account.native_id),
            json.dumps(sorted(account.workspaces)),
            json.dumps(account.credentials, sort_keys=True),
            clean(account.api_base),
            account.two_approvers,
            account.active,
        )
        with self._tx() as cur:
            if found is None:
                new_id = self._x(
                    cur,
                    "INSERT INTO official_accounts (platform, handle, display, native_id, "
                    "workspaces, credentials, api_base, two_approvers, active, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (account.platform, account.handle, *values, self._ts(at)),
                ).fetchone()[0]
                return self._with_id(account, int(new_id)), "created"
            same = (
                found.display,
                found.native_id,
                sorted(found.workspaces),
                found.credentials,
                found.api_base,
                found.two_approvers,
                found.active,
            ) == (
                account.display,
                account.native_id,
                sorted(account.workspaces),
                account.credentials,
                account.api_base,
                account.two_approvers,
                account.active,
            )
            if not same:
                self._x(
                    cur,
                    "UPDATE official_accounts SET display = ?, native_id = ?, workspaces = ?, "
                    "credentials = ?, api_base = ?, two_approvers = ?, active = ?, "
                    "updated_at = ? WHERE id = ?",
                    (*values, self._ts(at), found.id),
                )
        return self._with_id(account, found.id), "unchanged" if same else "updated"

    @staticmethod
    def _with_id(account: OfficialAccount, acc_id: int | None) -> OfficialAccount:
        account.id = acc_id
        return account

    def find_account(self, platform: str, handle: str) -> OfficialAccount | None:
        rows = self._rows(
            f"SELECT {_ACCOUNT} FROM official_accounts WHERE platform = ? AND handle = ?",
            [platform, handle],
        )
        return self._account(rows[0]) if rows else None

    def get_account(self, account_id: int) -> OfficialAccount | None:
        rows = self._rows(f"SELECT {_ACCOUNT} FROM official_accounts WHERE id = ?", [account_id])
        return self._account(rows[0]) if rows else None

    def list_accounts(self, *, active_only: bool = True) -> list[OfficialAccount]:
        rows = self._rows(f"SELECT {_ACCOUNT} FROM official_accounts ORDER BY platform, handle")
        accounts = [self._account(r) for r in rows]
        return [a for a in accounts if a.active or not active_only]

    # -- inbox --------------------------------------------------------------------------

    def _item(self, row: tuple[Any, ...]) -> InboxItem:
        names = [c.strip() for c in _ITEM.split(",")]
        values: dict[str, Any] = dict(zip(names, row, strict=True))
        for key in _ITEM_TIMES:
            values[key] = self._d(values[key])
        for key in _ITEM_JSON:
            values[key] = json.loads(values[key])
        values["account_id"] = None if values["account_id"] is None else int(values["account_id"])
        values["priority"] = float(values["priority"])
        return InboxItem(**values)

    def add_items(self, items: list[InboxItem]) -> int:
        """Insert new items; one already there (workspace, mention) is left as it is."""
        added = 0
        if not items:
            return 0  # no write transaction for nothing (the inbox page refreshes often)
        with self._tx() as cur:
            for it in items:
                rows = self._x(
                    cur,
                    "INSERT INTO inbox_items (workspace_id, mention_id, platform, reason, "
                    "posted_at, entered_at, author, text, url, account_id, priority, why, "
                    "status, assignee, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (workspace_id, mention_id) DO NOTHING RETURNING id",
                    (
                        it.workspace_id,
                        clean(it.mention_id),
                        it.platform,
                        it.reason,
                        self._ts(it.posted_at),
                        self._ts(it.entered_at),
                        clean(it.author),
                        clean(it.text),
                        clean(it.url),
                        it.account_id,
                        it.priority,
                        json.dumps(it.why, ensure_ascii=False),
                        it.status,
                        it.assignee,
                        json.dumps(it.tags, ensure_ascii=False),
                    ),
                ).fetchall()
                added += len(rows)
        return added

    def known_mentions(self, workspace_id: int, since: datetime) -> set[str]:
        """Mention ids already in the workspace's inbox, posted since ``since``."""
        rows = self._rows(
            "SELECT mention_id FROM inbox_items WHERE workspace_id = ? AND posted_at >= ?",
            [workspace_id, self._ts(since)],
        )
        return {str(r[0]) for r in rows}

    def get_item(self, item_id: int, workspace_id: int | None = None) -> InboxItem | None:
        sql = f"SELECT {_ITEM} FROM inbox_items WHERE id = ?"
        params: list[Any] = [item_id]
        if workspace_id is not None:
            sql += " AND workspace_id = ?"
            params.append(workspace_id)
        rows = self._rows(sql, params)
        return self._item(rows[0]) if rows else None

    def find_item(self, workspace_id: int, mention_id: str) -> InboxItem | None:
        rows = self._rows(
            f"SELECT {_ITEM} FROM inbox_items WHERE workspace_id = ? AND mention_id = ?",
            [workspace_id, mention_id],
        )
        return self._item(rows[0]) if rows else None

    def list_items(
        self, workspace_id: int | None, statuses: tuple[str, ...] = INBOX_STATUSES, limit: int = 200
    ) -> list[InboxItem]:
        """Items by priority (highest first), then oldest first (who waited longest)."""
        marks = ", ".join("?" * len(statuses))
        where = f"status IN ({marks})"
        params: list[Any] = list(statuses)
        if workspace_id is not None:
            where = f"workspace_id = ? AND {where}"
            params.insert(0, workspace_id)
        rows = self._rows(
            f"SELECT {_ITEM} FROM inbox_items WHERE {where} "
            "ORDER BY priority DESC, posted_at, id LIMIT ?",
            [*params, limit],
        )
        return [self._item(r) for r in rows]

    def update_item_in(self, cur: Cursor, item_id: int, **values: Any) -> None:
        allowed = {"status", "assignee", "tags", "first_response_at", "answered_by", "closed_at"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of an inbox item")
        sets, params = [], []
        for key, value in values.items():
            sets.append(f"{key} = ?")
            if key in _ITEM_TIMES:
                params.append(self._t(value))
            elif key in _ITEM_JSON:
                params.append(json.dumps(value, ensure_ascii=False))
            else:
                params.append(value)
        self._x(cur, f"UPDATE inbox_items SET {', '.join(sets)} WHERE id = ?", (*params, item_id))

    def record_open(self, item_id: int, username: str, at: datetime, within_s: float) -> list[str]:
        """Note that ``username`` opened the item; who ELSE opened it within ``within_s``."""
        since = self._ts(datetime.fromtimestamp(at.timestamp() - within_s, tz=at.tzinfo))
        with self._tx() as cur:
            others = self._x(
                cur,
                "SELECT username FROM inbox_opens WHERE item_id = ? AND username <> ? "
                "AND at >= ? ORDER BY at DESC",
                (item_id, username, since),
            ).fetchall()
            self._x(
                cur,
                "INSERT INTO inbox_opens (item_id, username, at) VALUES (?, ?, ?) "
                "ON CONFLICT (item_id, username) DO UPDATE SET at = excluded.at",
                (item_id, username, self._ts(at)),
            )
        return [str(r[0]) for r in others]

    # -- templates ----------------------------------------------------------------------

    def save_template(self, tpl: ReplyTemplate, at: datetime) -> ReplyTemplate:
        with self._tx() as cur:
            new_id = self._x(
                cur,
                "INSERT INTO reply_templates (workspace_id, name, body, lang, created_by, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name) "
                "DO UPDATE SET body = excluded.body, lang = excluded.lang, "
                "updated_at = excluded.updated_at RETURNING id",
                (
                    tpl.workspace_id,
                    clean(tpl.name),
                    clean(tpl.body),
                    tpl.lang,
                    tpl.created_by,
                    self._ts(at),
                ),
            ).fetchone()[0]
        tpl.id, tpl.updated_at = int(new_id), at
        return tpl

    def list_templates(self, workspace_id: int) -> list[ReplyTemplate]:
        rows = self._rows(
            "SELECT workspace_id, name, body, lang, created_by, updated_at, id "
            "FROM reply_templates WHERE workspace_id = ? ORDER BY name",
            [workspace_id],
        )
        return [
            ReplyTemplate(int(w), n, b, lg, by, self._d(u), int(i))
            for w, n, b, lg, by, u, i in rows
        ]

    # -- drafts and approvals -------------------------------------------------------------

    def _draft(self, row: tuple[Any, ...]) -> Draft:
        names = [c.strip() for c in _DRAFT.split(",")]
        values: dict[str, Any] = dict(zip(names, row, strict=True))
        for key in _DRAFT_TIMES:
            values[key] = self._d(values[key])
        values["item_id"] = None if values["item_id"] is None else int(values["item_id"])
        return Draft(**values)

    def add_draft_in(self, cur: Cursor, d: Draft) -> Draft:
        new_id = self._x(
            cur,
            "INSERT INTO drafts (workspace_id, account_id, kind, text, author, client_key, "
            "created_at, updated_at, item_id, reply_to, reply_settings, status, "
            "approvals_needed, scheduled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (
                d.workspace_id,
                d.account_id,
                d.kind,
                clean(d.text),
                d.author,
                d.client_key,
                self._ts(d.created_at),
                self._ts(d.updated_at),
                d.item_id,
                clean(d.reply_to),
                d.reply_settings,
                d.status,
                d.approvals_needed,
                self._t(d.scheduled_at),
            ),
        ).fetchone()[0]
        d.id = int(new_id)
        return d

    def get_draft(self, draft_id: int, workspace_id: int | None = None) -> Draft | None:
        sql = f"SELECT {_DRAFT} FROM drafts WHERE id = ?"
        params: list[Any] = [draft_id]
        if workspace_id is not None:
            sql += " AND workspace_id = ?"
            params.append(workspace_id)
        rows = self._rows(sql, params)
        return self._draft(rows[0]) if rows else None

    def get_draft_in(self, cur: Cursor, draft_id: int) -> Draft | None:
        row = self._x(cur, f"SELECT {_DRAFT} FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return None if row is None else self._draft(row)

    def list_drafts(
        self,
        workspace_id: int | None = None,
        statuses: tuple[str, ...] = DRAFT_STATUSES,
        *,
        item_id: int | None = None,
        limit: int = 200,
    ) -> list[Draft]:
        marks = ", ".join("?" * len(statuses))
        sql = f"SELECT {_DRAFT} FROM drafts WHERE status IN ({marks})"
        params: list[Any] = list(statuses)
        if workspace_id is not None:
            sql += " AND workspace_id = ?"
            params.append(workspace_id)
        if item_id is not None:
            sql += " AND item_id = ?"
            params.append(item_id)
        rows = self._rows(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
        return [self._draft(r) for r in rows]

    def update_draft_in(self, cur: Cursor, draft_id: int, **values: Any) -> None:
        allowed = {
            "text",
            "status",
            "scheduled_at",
            "attempts",
            "published_id",
            "published_url",
            "published_at",
            "last_error",
            "updated_at",
            "approvals_needed",
            "reply_settings",
        }
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of a draft")
        sets = [f"{k} = ?" for k in values]
        params = [self._t(v) if k in _DRAFT_TIMES else v for k, v in values.items()]
        self._x(cur, f"UPDATE drafts SET {', '.join(sets)} WHERE id = ?", (*params, draft_id))

    def add_approval_in(self, cur: Cursor, a: Approval) -> None:
        self._x(
            cur,
            "INSERT INTO draft_approvals (draft_id, username, decision, note, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (a.draft_id, a.username, a.decision, clean(a.note), self._ts(a.at)),
        )

    def approvals_in(self, cur: Cursor, draft_id: int) -> list[Approval]:
        rows = self._x(
            cur,
            "SELECT draft_id, username, decision, at, note FROM draft_approvals "
            "WHERE draft_id = ? ORDER BY at",
            (draft_id,),
        ).fetchall()
        return [Approval(int(d), u, dec, self._dt(at), n) for d, u, dec, at, n in rows]

    def list_approvals(self, draft_id: int) -> list[Approval]:
        rows = self._rows(
            "SELECT draft_id, username, decision, at, note FROM draft_approvals "
            "WHERE draft_id = ? ORDER BY at",
            [draft_id],
        )
        return [Approval(int(d), u, dec, self._dt(at), n) for d, u, dec, at, n in rows]

    def due_drafts(self, now: datetime, limit: int = 50) -> list[Draft]:
        """Approved drafts whose time has come, and any left mid-publication (a crash)."""
        rows = self._rows(
            f"SELECT {_DRAFT} FROM drafts WHERE (status = 'approved' AND "
            "(scheduled_at IS NULL OR scheduled_at <= ?)) OR status = 'publishing' "
            "ORDER BY id LIMIT ?",
            [self._ts(now), limit],
        )
        return [self._draft(r) for r in rows]
