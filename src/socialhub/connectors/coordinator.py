"""One coordinator per configured source: polling, backoff, saved cursors, health.

A connector only fetches and normalises (:mod:`socialhub.connectors.base`); the
:class:`Coordinator` owns everything around it, Home Assistant style:

- every ``interval`` seconds each target is polled and paged to the end (while the
  page says ``done = False``); a cursor that comes back again stops the paging, so a
  platform bug cannot loop forever;
- the cursor is saved *after* the page's mentions were emitted: a restart resumes from
  it without loss (a crash mid-page re-emits that page; the store absorbs duplicates);
- :class:`RateLimited` waits ``retry_after`` when the platform said, :class:`Unavailable`
  (and any unexpected error) backs off exponentially with jitter, capped;
- :class:`AuthError` stops this source with the message (which names the variable);
  the hub runs each source guarded, so the others keep running;
- :class:`BadRequest` skips the target until its configuration changes;
- :class:`MalformedPayload` and each :class:`Rejected` item go to the dead-letter table;
- stream targets reconnect with backoff and backfill the gap by search from the last
  seen time and id: ``fetch(Target("search", ...), {"since": ISO, "since_id": ID})``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from socialhub.connectors.base import (
    PAYLOAD_ERRORS,
    AuthError,
    BadRequest,
    Connector,
    Emit,
    MalformedPayload,
    Page,
    RateLimited,
    Target,
    parse_time,
)
from socialhub.connectors.health import Gap, SourceHealth
from socialhub.models import Mention
from socialhub.records.quarantine import Reason
from socialhub.records.sources import DeadLetter
from socialhub.store.base import SourceStateStore

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 300.0


def target_key(target: Target) -> str:
    """The saved cursor's key: readable and stable across restarts."""
    return f"{target.kind}:{target.value}"


def fingerprint(target: Target) -> str:
    """Changes when the target's configuration changes (a skipped target is retried)."""
    doc = [target.kind, target.value, target.match_query, target.options]
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _cursor_id(cursor: Mapping[str, Any] | None) -> bytes:
    return orjson.dumps(dict(cursor or {}), option=orjson.OPT_SORT_KEYS, default=str)


class Coordinator:
    """Runs one source: a connector over its targets. Implements ``Source``.

    ``connector`` is an instance or a zero-argument factory (called when the source
    starts, so a missing credential stops this source only). ``rng`` and ``clock`` are
    for tests.
    """

    def __init__(
        self,
        name: str,
        connector: Connector | Callable[[], Connector],
        targets: list[Target],
        sources: SourceStateStore,
        *,
        interval: float = DEFAULT_INTERVAL,
        connector_name: str = "",
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        max_retry_after: float = 3600.0,
        max_pages: int = 1000,
        once_retries: int = 3,
        recent_ids: int = 50_000,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.name = name
        self._factory = connector if not hasattr(connector, "fetch") else None
        self.connector: Connector | None = None if self._factory else connector  # type: ignore[assignment]
        self.targets = targets
        self.sources = sources
        self.interval = float(interval)
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.max_retry_after = float(max_retry_after)
        self.max_pages = int(max_pages)
        self.once_retries = int(once_retries)
        self.rng = rng or random.Random()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.health = SourceHealth(name, connector_name)
        self._cursors: dict[str, dict[str, Any]] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._recent_ids = recent_ids
        self._halt = asyncio.Event()  # set on stop or AuthError: every target ends
        self._last_health_save = 0.0
        self._streak = 0  # stream sessions cut in a row (the reconnect backoff)

    # -- lifecycle --------------------------------------------------------------------

    async def run(self, emit: Emit, stop: asyncio.Event) -> None:
        """Poll (or stream) every target until ``stop`` is set or the source stops."""
        if not await self._open():
            return
        tasks = {
            asyncio.create_task(self._target_loop(t, emit), name=f"{self.name}:{target_key(t)}")
            for t in self._active_targets()
        }
        waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(self._halt.wait())}
        try:
            pending = set(tasks)
            while pending and not (stop.is_set() or self._halt.is_set()):
                done, _ = await asyncio.wait(pending | waiters, return_when=asyncio.FIRST_COMPLETED)
                pending -= done
        finally:
            self._halt.set()
            for task in (*tasks, *waiters):
                task.cancel()
            await asyncio.gather(*tasks, *waiters, return_exceptions=True)
            await self._close()

    async def run_once(self, emit: Emit) -> SourceHealth:
        """One poll of every target, paged to the end, with a few retries; for the CLI."""
        if await self._open():
            try:
                for target in self._active_targets():
                    if self._halt.is_set():
                        break
                    await self._guarded(target, emit, once=True)
            finally:
                await self._close()
        return self.health

    async def _open(self) -> bool:
        saved = await asyncio.to_thread(self.sources.get_source_health, self.name)
        if saved:
            connector_name = self.health.connector
            self.health = SourceHealth.from_dict(saved)
            self.health.connector = connector_name or self.health.connector
        self.health.started_at = self.clock()
        self.health.status = "ok"
        self._cursors = await asyncio.to_thread(self.sources.source_cursors, self.name)
        if self.connector is None and self._factory is not None:
            try:
                self.connector = self._factory()
            except AuthError as exc:
                await self._stopped(exc)
                return False
        await self._save_health(force=True)
        return True

    async def _close(self) -> None:
        if self.health.status != "stopped":
            self.health.status = "idle"
        await self._save_health(force=True)
        if self.connector is not None:
            with contextlib.suppress(Exception):
                await self.connector.close()

    def _active_targets(self) -> list[Target]:
        active = []
        for target in self.targets:
            th = self.health.target(target_key(target))
            if th.skipped and th.fingerprint == fingerprint(target):
                log.warning("source %s: %s still skipped: %s", self.name, th.key, th.skipped)
                continue
            th.skipped, th.fingerprint = "", fingerprint(target)
            active.append(target)
        return active

    # -- one target ---------------------------------------------------------------------

    async def _target_loop(self, target: Target, emit: Emit) -> None:
        while not self._halt.is_set():
            if not await self._guarded(target, emit, once=False):
                return
            if target.kind == "stream" and hasattr(self.connector, "stream"):
                continue  # the stream loop only returns to reconnect
            await self._sleep(self.interval)

    async def _guarded(self, target: Target, emit: Emit, *, once: bool) -> bool:
        """One poll (or stream session); False when the target must not run again."""
        try:
            if target.kind == "stream" and hasattr(self.connector, "stream") and not once:
                await self._stream(target, emit)
            elif target.kind == "stream":
                await self._backfill(target, emit, None, retries=self.once_retries)
            else:
                await self._poll(target, emit, retries=self.once_retries if once else None)
        except AuthError as exc:
            await self._stopped(exc)
            return False
        except BadRequest as exc:
            th = self.health.target(target_key(target))
            th.skipped, th.fingerprint = str(exc), fingerprint(target)
            self.health.error("BadRequest", f"{th.key}: {exc}", self.clock())
            log.warning("source %s: %s skipped until its configuration changes: %s",
                        self.name, th.key, exc)  # fmt: skip
            await self._save_health(force=True)
            return False
        return True

    async def _poll(self, target: Target, emit: Emit, *, retries: int | None) -> bool:
        """Page from the saved cursor until done; True when the end was reached."""
        key = target_key(target)
        th = self.health.target(key)
        th.polls += 1
        started = self.clock()
        cursor = self._cursors.get(key)
        seen = {_cursor_id(cursor)}
        for _ in range(self.max_pages):
            page = await self._fetch(target, cursor, retries)
            if page is None:
                return False
            await self._take(target, page, emit)
            cursor = page.cursor
            self._cursors[key] = cursor
            await asyncio.to_thread(self.sources.save_source_cursor, self.name, key, cursor)
            await self._save_health()
            if page.done:
                th.polls_complete += 1
                th.complete_since = th.complete_since or started
                return True
            if _cursor_id(cursor) in seen:
                th.cursor_repeats += 1
                th.complete_since = None  # what lies past this cursor is unreachable
                self.health.error("CursorRepeat", f"{key}: cursor came back", self.clock())
                log.warning("source %s: %s returned a cursor seen before", self.name, key)
                return False
            seen.add(_cursor_id(cursor))
        log.warning("source %s: %s stopped after max_pages=%d", self.name, key, self.max_pages)
        return False

    async def _fetch(
        self, target: Target, cursor: Mapping[str, Any] | None, retries: int | None
    ) -> Page | None:
        """One request with retries; None when it gave up (the next poll resumes)."""
        assert self.connector is not None
        attempt = 0
        while not self._halt.is_set():
            try:
                return await self.connector.fetch(target, cursor)
            except (AuthError, BadRequest):
                raise
            except MalformedPayload as exc:
                why = Reason("payload_unreadable", error=str(exc))
                await self._malformed(target, why, exc.raw, cursor)
                return None  # permanent for this payload: the next poll asks again
            except PAYLOAD_ERRORS as exc:  # a decoder or parser the connector did not type
                reason = Reason(
                    "payload_unreadable_untyped", error_type=type(exc).__name__, error=str(exc)
                )
                await self._malformed(target, reason, "", cursor)
                return None
            except Exception as exc:
                attempt += 1
                kind = type(exc).__name__
                self.health.error(kind, str(exc) or kind, self.clock())
                if retries is not None and attempt > retries:
                    await self._save_health(force=True)
                    return None
                delay = self._delay(exc, attempt)
                self.health.status = "backing_off"
                log.info("source %s: %s, retrying in %.1fs", self.name, kind, delay)
                await self._save_health(force=True)
                await self._sleep(delay)
        return None

    def _delay(self, exc: Exception, attempt: int) -> float:
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return max(0.0, min(float(exc.retry_after), self.max_retry_after))
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)  # jitter: sources do not align

    # -- streams -------------------------------------------------------------------------

    async def _stream(self, target: Target, emit: Emit) -> None:
        """One stream session; on a cut, back off (the loop reconnects and backfills)."""
        key = target_key(target)
        state = self._cursors.get(key, {})
        backfill: asyncio.Task[bool] | None = None
        if state.get("last_seen"):  # a restart or a reconnect: items may be missing
            gap = Gap(parse_time(state["last_seen"]) or self.clock(), end=self.clock())
            self.health.target(key).gaps.append(gap)
            backfill = asyncio.create_task(self._backfill(target, emit, gap, retries=5))
        stream = self.connector.stream  # type: ignore[union-attr]
        error: Exception | None = None
        try:
            async for page in stream(target, state.get("stream")):
                self._streak = 0
                await self._take(target, page, emit)
                state = {**self._cursors.get(key, {}), "stream": page.cursor}
                await self._save_cursor(key, state)
                await self._save_health()
        except (AuthError, BadRequest):
            raise
        except MalformedPayload as exc:
            why = Reason("payload_unreadable", error=str(exc))
            await self._dead(why, exc.raw, key, state.get("stream"))
            error = exc
        except Exception as exc:
            error = exc
        finally:
            if backfill is not None:
                await backfill  # bounded: it pages to the end or gives up
        self._streak += 1
        kind = type(error).__name__ if error else "StreamEnded"
        self.health.error(kind, str(error or "the platform closed the stream"), self.clock())
        self.health.status = "backing_off"
        await self._save_health(force=True)
        await self._sleep(self._delay(error or Exception(), self._streak))

    async def _backfill(self, target: Target, emit: Emit, gap: Gap | None, retries: int) -> bool:
        """Search from the last seen time and id to now, paged to the end."""
        key = target_key(target)
        state = self._cursors.get(key, {})
        search = Target("search", target.value, target.match_query, dict(target.options))
        cursor: dict[str, Any] | None = None
        if state.get("last_seen"):
            cursor = {"since": state["last_seen"], "since_id": state.get("last_id", "")}
        seen = {_cursor_id(cursor)}
        for _ in range(self.max_pages):
            try:
                page = await self._fetch(search, cursor, retries)
            except BadRequest as exc:
                log.warning("source %s: backfill of %s impossible: %s", self.name, key, exc)
                return False
            if page is None:
                return False
            await self._take(target, page, emit)
            await self._save_cursor(key, self._cursors.get(key, {}))
            cursor = page.cursor
            if page.done or _cursor_id(cursor) in seen:
                if gap is not None and page.done:
                    gap.backfilled = True
                return page.done
            seen.add(_cursor_id(cursor))
        return False

    # -- shared bookkeeping -----------------------------------------------------------------

    async def _take(self, target: Target, page: Page, emit: Emit) -> None:
        """Emit the page's new mentions, dead-letter its rejects, update health."""
        key = target_key(target)
        th = self.health.target(key)
        fresh: list[Mention] = []
        for mention in page.mentions:
            if mention.id in self._seen:
                th.duplicates += 1
                continue
            self._seen[mention.id] = None
            if len(self._seen) > self._recent_ids:
                self._seen.popitem(last=False)
            if not mention.match_query and target.match_query:
                mention.match_query = target.match_query
            fresh.append(mention)
        for mention in fresh:
            await emit(mention)
        for item in page.rejected:
            await self._dead(item.reason, item.raw, item.location or key, None)
        if fresh:
            newest = max(fresh, key=lambda m: m.created_at)
            if th.last_item_at is None or newest.created_at >= th.last_item_at:
                th.last_item_at = newest.created_at
                if target.kind == "stream":  # where a backfill would start from
                    state = self._cursors.setdefault(key, {})
                    state["last_seen"] = newest.created_at.isoformat()
                    state["last_id"] = newest.native_id
        self.health.page(key, len(fresh), page.rate, self.clock())

    async def _save_cursor(self, key: str, cursor: dict[str, Any]) -> None:
        self._cursors[key] = cursor
        await asyncio.to_thread(self.sources.save_source_cursor, self.name, key, cursor)

    async def _dead(
        self, reason: str, raw: str, location: str, cursor: Mapping[str, Any] | None
    ) -> None:
        where = location if cursor is None else f"{location} cursor={_cursor_id(cursor).decode()}"
        letter = DeadLetter(self.name, reason, raw or "", where)
        await asyncio.to_thread(self.sources.add_dead_letter, letter)
        self.health.dead_letters += 1
        self.health.error("DeadLetter", reason, self.clock())

    async def _malformed(
        self, target: Target, reason: str, raw: str, cursor: Mapping[str, Any] | None
    ) -> None:
        """An unreadable payload: dead-lettered once (not at every poll), shown in health."""
        th = self.health.target(target_key(target))
        digest = hashlib.sha256(f"{reason}\0{raw}".encode("utf-8", "replace")).hexdigest()[:16]
        th.malformed = reason[:500]
        if digest == th.malformed_hash:
            self.health.error("MalformedPayload", f"{th.key}: same payload again", self.clock())
        else:
            th.malformed_hash = digest
            await self._dead(reason, raw, th.key, cursor)
        await self._save_health(force=True)

    async def _stopped(self, exc: AuthError) -> None:
        log.error("source %s stopped: %s", self.name, exc)  # the message names the variable
        self.health.error("AuthError", str(exc), self.clock())
        self.health.status = "stopped"
        self._halt.set()
        await self._save_health(force=True)

    async def _save_health(self, *, force: bool = False) -> None:
        loop = asyncio.get_running_loop()
        if not force and loop.time() - self._last_health_save < 2.0:
            return  # a busy source saves its health at most every 2 s
        self._last_health_save = loop.time()
        doc = self.health.to_dict(self.clock())
        await asyncio.to_thread(self.sources.save_source_health, self.name, doc)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._halt.wait(), max(0.0, seconds))
