"""NATS JetStream bus: the scale-out implementation of the Bus contract (``bus/base.py``).

Layout on the server (``prefix`` defaults to ``socialhub``):

* one stream per subject *family* (the first token of a subject): ``mentions.raw`` and
  ``mentions.stored`` live in stream ``SOCIALHUB_MENTIONS`` on the wire subjects
  ``socialhub.mentions.>``, ``alerts`` in ``SOCIALHUB_ALERTS``, dead letters
  ``dead.<subject>`` in ``SOCIALHUB_DEAD``. Wire subjects carry the prefix so several
  installations (or test runs) can share one NATS without their streams overlapping.
* limits retention (not work-queue): a work-queue stream forbids two consumers on the
  same subject, and the contract needs fan-out across groups. Messages leave the stream
  by age or size, never because one group acked them.
* one durable pull consumer per (group, subject): explicit acks, ``ack_wait``, and a
  server-side ``max_deliver`` one higher than the caller's (see ``NatsSubscription``).

Delivery is at-least-once. Publishes wait for the stream's PubAck and carry a
``Nats-Msg-Id`` (from the ``id`` header when given), so a retried publish is stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext, api

from socialhub.bus.nats_consumer import TRANSIENT, BusUnavailable, NatsSubscription

__all__ = ["BusUnavailable", "NatsBus", "NatsSubscription", "StreamLimits"]

log = logging.getLogger(__name__)

DEFAULT_URL = "nats://127.0.0.1:4222"
DEFAULT_PREFIX = "socialhub"
#: Seconds without a fetch after which the server deletes a tail consumer.
TAIL_INACTIVE = 300.0
# families created at connect so operators see them before the first message
KNOWN_FAMILIES = ("mentions", "alerts", "dead")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """Retention of one stream family. Discard-old: the oldest go first when full."""

    max_age: float = 7 * 86_400.0
    max_bytes: int = -1
    max_msgs: int = -1
    duplicate_window: float = 120.0  # seconds during which a Nats-Msg-Id is remembered


class NatsBus:
    """Bus over NATS JetStream. Connects on first use (``open_bus`` is synchronous).

    Parameters
    ----------
    servers
        NATS URL(s), e.g. ``nats://127.0.0.1:4222``.
    prefix
        Namespace of stream names (``PREFIX_FAMILY``) and wire subjects (``prefix.``).
    max_inflight
        Publishes awaiting their PubAck at once; further ``publish`` calls wait
        (back-pressure on producers).
    publish_timeout
        How long one ``publish`` keeps retrying through a reconnect before it raises
        ``BusUnavailable``.
    nak_delay
        Seconds before a nak'ed message is redelivered (0: at once, like the memory bus).
    lag_refresh
        Seconds between background consumer-info refreshes behind ``pending()``.
    """

    def __init__(
        self,
        servers: str | list[str] = DEFAULT_URL,
        *,
        prefix: str = DEFAULT_PREFIX,
        max_inflight: int = 256,
        publish_timeout: float = 60.0,
        request_timeout: float = 5.0,
        nak_delay: float = 0.0,
        lag_refresh: float = 1.0,
        limits: StreamLimits | None = None,
        dead_limits: StreamLimits | None = None,
        replicas: int = 1,
    ) -> None:
        if not _NAME.match(prefix):
            raise ValueError(f"bus prefix {prefix!r}: use letters, digits, '-' or '_'")
        self.servers = [servers] if isinstance(servers, str) else list(servers)
        self.prefix = prefix
        self.max_inflight = max_inflight
        self.publish_timeout = publish_timeout
        self.request_timeout = request_timeout
        self.nak_delay = nak_delay
        self.lag_refresh = lag_refresh
        self.limits = limits or StreamLimits()
        self.dead_limits = dead_limits or StreamLimits(max_age=30 * 86_400.0)
        self.replicas = replicas
        self.peak_inflight = 0  # highest number of publishes awaiting a PubAck at once
        self._inflight = 0
        self._slots = asyncio.Semaphore(max_inflight)
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._lock = asyncio.Lock()
        self._streams: set[str] = set()
        self._subs: list[NatsSubscription] = []
        self._closing = False

    @classmethod
    def from_url(cls, url: str) -> NatsBus:
        """``nats://host:port[,host2:port2][?prefix=...&max_inflight=...]``."""
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        hosts = [h for h in parts.netloc.split(",") if h]
        servers = [f"{parts.scheme}://{h}" for h in hosts] or [DEFAULT_URL]
        kwargs: dict[str, Any] = {}
        for key, conv in (
            ("prefix", str),
            ("max_inflight", int),
            ("publish_timeout", float),
            ("nak_delay", float),
        ):
            if key in query:
                kwargs[key] = conv(query.pop(key))
        if query:
            raise ValueError(f"unknown NATS bus options: {', '.join(sorted(query))}")
        return cls(servers, **kwargs)

    # -- naming -------------------------------------------------------------------------
    def wire_subject(self, subject: str) -> str:
        return f"{self.prefix}.{subject}"

    def app_subject(self, wire: str) -> str:
        return wire.removeprefix(f"{self.prefix}.")

    def stream_name(self, subject: str) -> str:
        family = subject.split(".", 1)[0]
        if not _NAME.match(family):
            raise ValueError(f"subject {subject!r}: first token must be a plain name")
        return f"{self.prefix.upper()}_{family.upper()}"

    def durable_name(self, subject: str, group: str) -> str:
        if not _NAME.match(group):
            raise ValueError(f"group {group!r}: use letters, digits, '-' or '_'")
        return f"{group}__{subject.replace('.', '_')}"

    # -- connection and streams ---------------------------------------------------------
    async def connect(self) -> JetStreamContext:
        """Connect (idempotent) and create or update the known streams."""
        async with self._lock:
            if self._js is None:
                self._closing = False
                nc = await nats.connect(
                    servers=self.servers,
                    name=f"socialhub-{self.prefix}",
                    max_reconnect_attempts=-1,  # a worker outlives any server restart
                    reconnect_time_wait=0.25,
                    connect_timeout=self.request_timeout,
                    allow_reconnect=True,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnect,
                    reconnected_cb=self._on_reconnect,
                )
                js = nc.jetstream(timeout=self.request_timeout)
                self._nc, self._js = nc, js
                try:
                    for family in KNOWN_FAMILIES:
                        # JetStream answers 503 for a moment after a server start
                        await self._retry(functools.partial(self._ensure_stream, family), "set up")
                except BaseException:
                    self._nc = self._js = None
                    await nc.close()
                    raise
            return self._js

    async def _on_error(self, exc: Exception) -> None:
        log.warning("nats: %r", exc)

    async def _on_disconnect(self) -> None:
        if not self._closing:
            log.warning("nats: disconnected, reconnecting")

    async def _on_reconnect(self) -> None:
        log.warning("nats: reconnected to %s", self._nc.connected_url if self._nc else "?")

    async def _ensure_stream(self, subject: str) -> str:
        name = self.stream_name(subject)
        if name in self._streams:
            return name
        assert self._js is not None
        family = subject.split(".", 1)[0]
        limits = self.dead_limits if family == "dead" else self.limits
        config = api.StreamConfig(
            name=name,
            subjects=[self.wire_subject(family), self.wire_subject(f"{family}.>")],
            retention=api.RetentionPolicy.LIMITS,
            storage=api.StorageType.FILE,
            discard=api.DiscardPolicy.OLD,
            max_age=limits.max_age,
            max_bytes=limits.max_bytes,
            max_msgs=limits.max_msgs,
            duplicate_window=limits.duplicate_window,
            num_replicas=self.replicas,
        )
        try:
            await self._js.add_stream(config)
        except nats.js.errors.BadRequestError:
            # exists with another config (e.g. new limits): update it in place
            await self._js.update_stream(config)
        self._streams.add(name)
        return name

    async def delete_streams(self) -> list[str]:
        """Delete every stream of this prefix (tests; ``socialhub`` reset tooling)."""
        js = await self.connect()
        assert self._nc is not None
        # Only the names of streams holding this prefix's subjects: listing every stream
        # of a shared server (STREAM.LIST) fails with "stream not found" when another
        # installation or test deletes one of its own streams meanwhile.
        reply = await self._nc.request(
            "$JS.API.STREAM.NAMES",
            json.dumps({"subject": f"{self.prefix}.>"}).encode(),
            timeout=self.request_timeout,
        )
        names = json.loads(reply.data).get("streams") or []
        deleted = []
        for name in sorted(set(names) | self._streams):
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await js.delete_stream(name)
                deleted.append(name)
        self._streams.clear()
        return deleted

    async def describe(self) -> list[dict[str, Any]]:
        """Streams of this prefix with their size and each consumer's lag, for
        operators (``socialhub status``) and ``docs/deploy/nats.md``."""
        js = await self.connect()
        own = f"{self.prefix.upper()}_"
        out: list[dict[str, Any]] = []
        for info in await js.streams_info():
            name = info.config.name or ""
            if not name.startswith(own):
                continue
            consumers = [
                {
                    "name": c.name,
                    "subject": self.app_subject(c.config.filter_subject or ""),
                    "pending": int(c.num_pending or 0),
                    "ack_pending": int(c.num_ack_pending or 0),
                    "redelivered": int(c.num_redelivered or 0),
                }
                for c in await js.consumers_info(name)
            ]
            out.append(
                {
                    "stream": name,
                    "subjects": list(info.config.subjects or []),
                    "messages": info.state.messages,
                    "bytes": info.state.bytes,
                    "consumers": sorted(consumers, key=lambda c: str(c["name"])),
                }
            )
        return sorted(out, key=lambda s: str(s["stream"]))

    # -- Bus ----------------------------------------------------------------------------
    async def publish(
        self, subject: str, data: bytes, headers: dict[str, str] | None = None
    ) -> None:
        """Store one message; returns once JetStream has acknowledged it (PubAck).

        Waits while ``max_inflight`` publishes are unacknowledged, and retries through
        a reconnect for up to ``publish_timeout`` seconds (same Nats-Msg-Id, so the
        stream keeps one copy). The id is scoped by subject: ``mentions.raw`` and
        ``mentions.stored`` share a stream and may carry the same mention id.
        """
        hdrs = dict(headers or {})
        msg_id = f"{subject}:{hdrs['id']}" if hdrs.get("id") else uuid.uuid4().hex
        await self._publish(subject, data, hdrs, msg_id=msg_id)

    async def _publish(
        self, subject: str, data: bytes, headers: dict[str, str], *, msg_id: str
    ) -> None:
        js = await self.connect()
        wire = self.wire_subject(subject)
        hdrs = dict(headers, **{"Nats-Msg-Id": msg_id})
        async with self._slots:
            self._inflight += 1
            self.peak_inflight = max(self.peak_inflight, self._inflight)
            try:
                await self._retry(
                    functools.partial(self._publish_once, js, subject, wire, data, hdrs)
                )
            finally:
                self._inflight -= 1

    async def _publish_once(
        self, js: JetStreamContext, subject: str, wire: str, data: bytes, hdrs: dict[str, str]
    ) -> None:
        await self._ensure_stream(subject)
        try:
            ack = await js.publish(wire, data, timeout=self.request_timeout, headers=dict(hdrs))
        except nats.js.errors.NoStreamResponseError:
            self._streams.discard(self.stream_name(subject))  # deleted behind our back?
            raise
        if not ack.duplicate:
            for sub in self._subs:  # pending() sees our own publishes at once
                if sub.subject == subject:
                    sub._count_published()

    async def _flush(self) -> None:
        if self._nc is not None:
            await self._nc.flush(timeout=max(1, int(self.request_timeout)))

    async def _retry(self, op: Callable[[], Awaitable[object]], what: str = "store") -> None:
        """Run ``op`` until it succeeds, retrying transient errors for up to
        ``publish_timeout`` seconds (reconnects, JetStream not ready yet)."""
        deadline = time.monotonic() + self.publish_timeout
        delay = 0.05
        while True:
            try:
                await op()
                return
            except TRANSIENT as exc:
                if time.monotonic() + delay > deadline:
                    raise BusUnavailable(
                        f"NATS did not {what} within {self.publish_timeout:g}s: {exc!r}"
                    ) from exc
                log.debug("%s: retry in %.2fs: %r", what, delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)

    async def subscribe(
        self,
        subject: str,
        group: str,
        *,
        ack_wait: float = 30.0,
        max_deliver: int = 5,
        tail: bool = False,
    ) -> NatsSubscription:
        js = await self.connect()
        stream = await self._ensure_stream(subject)
        durable = self.durable_name(subject, group)
        config = api.ConsumerConfig(
            name=durable,
            durable_name=durable,
            filter_subject=self.wire_subject(subject),
            ack_policy=api.AckPolicy.EXPLICIT,
            # a tail consumer starts at the end and is deleted by the server once
            # nobody has fetched for TAIL_INACTIVE seconds (a web server that died)
            deliver_policy=api.DeliverPolicy.NEW if tail else api.DeliverPolicy.ALL,
            inactive_threshold=TAIL_INACTIVE if tail else None,
            ack_wait=ack_wait,
            max_deliver=max_deliver + 1,  # the extra one retires a timed-out last attempt
            max_ack_pending=-1,
        )
        # create, or update ack_wait/max_deliver of an existing durable consumer
        await self._retry(lambda: js.add_consumer(stream, config), "create the consumer")
        psub = await js.pull_subscribe_bind(durable=durable, stream=stream)
        sub = NatsSubscription(
            self, subject, stream, durable, psub, ack_wait=ack_wait, max_deliver=max_deliver
        )
        await sub.refresh()
        sub._start_refresher(self.lag_refresh)
        self._subs.append(sub)
        return sub

    async def close(self) -> None:
        self._closing = True
        for sub in self._subs:
            await sub._stop()
        self._subs.clear()
        nc = self._nc
        if nc is not None and not nc.is_closed:
            with contextlib.suppress(*TRANSIENT):
                # drain flushes pending acks; a closed server has nothing to drain to
                await (nc.drain() if nc.is_connected else nc.close())
        self._nc = None
        self._js = None
        self._streams.clear()
