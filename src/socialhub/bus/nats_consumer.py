"""The consumer side of the NATS JetStream bus: one durable pull consumer per group.

Kept apart from ``bus/nats.py`` (streams, publishing, connection) to keep modules small.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Protocol

import nats.errors
import nats.js.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from socialhub.bus.base import Message


class _Bus(Protocol):
    """What a subscription uses of :class:`socialhub.bus.nats.NatsBus` (which imports
    this module, so the type is named by its shape rather than imported)."""

    nak_delay: float

    def app_subject(self, wire: str) -> str: ...

    async def _flush(self) -> None: ...

    async def _publish(
        self, subject: str, data: bytes, headers: dict[str, str], *, msg_id: str
    ) -> None: ...


log = logging.getLogger(__name__)

# Errors that mean "the server is away or busy right now": retry, never crash a worker.
TRANSIENT: tuple[type[BaseException], ...] = (
    TimeoutError,
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.ConnectionClosedError,
    nats.errors.StaleConnectionError,
    nats.errors.OutboundBufferLimitError,
    nats.js.errors.NoStreamResponseError,
    nats.js.errors.ServiceUnavailableError,
    nats.js.errors.ServerError,
)
# NotFound: the stream or consumer was deleted behind us (a reset, a test's teardown).
_GONE_OR_TRANSIENT: tuple[type[BaseException], ...] = (*TRANSIENT, nats.js.errors.NotFoundError)


class BusUnavailable(RuntimeError):
    """NATS did not answer within the configured time."""


ACK_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT, nats.errors.MsgAlreadyAckdError)
DEAD_LETTER_ERRORS: tuple[type[BaseException], ...] = (*ACK_ERRORS, BusUnavailable)


def _wire_headers(msg: Msg) -> dict[str, str]:
    # Nats-* headers are transport metadata, not part of the caller's message
    return {k: v for k, v in (msg.headers or {}).items() if not k.startswith("Nats-")}


class NatsSubscription:
    """A durable pull consumer seen through the Bus ``Subscription`` protocol.

    JetStream stops redelivering after ``max_deliver`` but does not move the message
    anywhere (it only emits a core-NATS advisory, which is lost when nobody listens).
    So the consumer is created with ``max_deliver + 1`` on the server: a nak on the last
    attempt dead-letters at once, and a last attempt that timed out comes back one extra
    time, which ``fetch`` turns into a dead letter instead of handing it to the caller.
    Both end with ``term`` after the dead letter's PubAck, so a crash in between only
    repeats the dead letter, which its Nats-Msg-Id then deduplicates.
    """

    def __init__(
        self,
        bus: _Bus,
        subject: str,
        stream: str,
        durable: str,
        psub: JetStreamContext.PullSubscription,
        *,
        ack_wait: float,
        max_deliver: int,
    ) -> None:
        self._bus = bus
        self.subject = subject
        self.stream = stream
        self.durable = durable
        self._psub = psub
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self._inflight: dict[int, Msg] = {}
        self._lag = 0
        self._published = 0  # local publishes counted into _lag, see refresh()
        self._refresher: asyncio.Task[None] | None = None
        self._stopping = False

    # -- lag ----------------------------------------------------------------------------
    def pending(self) -> int:
        """Consumer lag: not yet delivered + delivered and not acked (``num_pending +
        num_ack_pending``), as of the last consumer-info refresh, minus local acks since."""
        return self._lag

    async def refresh(self) -> int:
        """Ask the server for the consumer's lag now (also done after every fetch and
        every ``lag_refresh`` seconds in the background)."""
        seen = self._published
        try:
            # the server applies acks after reading them: flush (PING/PONG) so the
            # acks sent so far are counted before the consumer info is read
            await self._bus._flush()
            info = await self._psub.consumer_info()
        except _GONE_OR_TRANSIENT as exc:
            # the background refresher must not die of a deleted stream and fail close()
            log.debug("consumer info for %s unavailable: %r", self.durable, exc)
            return self._lag
        lag = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
        # a publish from this process that landed during the request may be missing
        # from the answer: never let a refresh make the lag look smaller than it is
        self._lag = max(lag, self._lag) if self._published != seen else lag
        return self._lag

    def _count_published(self) -> None:
        self._published += 1
        self._lag += 1

    def _start_refresher(self, every: float) -> None:
        async def loop() -> None:
            while not self._stopping:
                await asyncio.sleep(every)
                await self.refresh()

        self._stopping = False
        self._refresher = asyncio.get_running_loop().create_task(loop())

    async def _stop(self) -> None:
        task = self._refresher
        if task is not None:
            self._stopping = True
            # Python 3.11's asyncio.wait_for (inside nats-py's requests) can swallow a
            # cancellation that lands as its reply arrives: the loop would then run on
            # and close() would wait forever. Cancel again until the task has ended.
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=1.0)
            if not task.cancelled():
                with contextlib.suppress(*TRANSIENT, nats.js.errors.Error):
                    task.result()
        with contextlib.suppress(*TRANSIENT, nats.errors.BadSubscriptionError):
            await self._psub.unsubscribe()

    # -- delivery -----------------------------------------------------------------------
    async def fetch(self, max_messages: int = 100, timeout: float = 1.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        out: list[Message] = []
        while not out:
            remaining = deadline - time.monotonic()
            raw: list[Msg] = []
            try:
                # nats-py refuses a zero timeout; a short no-wait probe is the closest
                raw = await self._psub.fetch(max_messages, timeout=max(remaining, 0.02))
            except (TimeoutError, nats.errors.TimeoutError):
                pass
            except TRANSIENT as exc:
                # reconnecting: nothing is lost, unacked messages come back after ack_wait
                log.warning("fetch on %s failed (%r); retrying", self.durable, exc)
                await asyncio.sleep(min(0.2, max(deadline - time.monotonic(), 0.0)))
            for m in raw:
                msg = await self._accept(m)
                if msg is not None:
                    out.append(msg)
            if time.monotonic() >= deadline:
                break
        await self.refresh()
        return out

    async def _accept(self, m: Msg) -> Message | None:
        md = m.metadata
        if md.num_delivered > self.max_deliver:
            # the last attempt was not acked in time: this extra delivery only retires it
            await self._dead_letter(
                m, f"not acked within {self.ack_wait:g}s", attempts=self.max_deliver
            )
            return None
        seq = md.sequence.stream
        self._inflight[seq] = m
        return Message(
            subject=self._bus.app_subject(m.subject),
            data=m.data,
            seq=seq,
            attempt=md.num_delivered,
            headers=_wire_headers(m),
        )

    async def ack(self, msg: Message) -> None:
        m = self._inflight.pop(msg.seq, None)
        if m is None:
            return
        try:
            await m.ack()
        except ACK_ERRORS as exc:
            # the ack is lost: the message is delivered again and the idempotent store
            # absorbs the repeat (at-least-once)
            log.warning("ack of %s seq %d lost: %r", self.durable, msg.seq, exc)
            return
        self._lag = max(0, self._lag - 1)

    async def nak(self, msg: Message, reason: str = "") -> None:
        m = self._inflight.pop(msg.seq, None)
        if m is None:
            return
        if m.metadata.num_delivered >= self.max_deliver:
            await self._dead_letter(m, reason or "nak", attempts=m.metadata.num_delivered)
            return
        delay = self._bus.nak_delay or None
        with contextlib.suppress(*ACK_ERRORS):
            await m.nak(delay=delay)  # if lost, ack_wait brings the message back anyway

    async def touch(self, msg: Message) -> None:
        m = self._inflight.get(msg.seq)
        if m is not None:
            with contextlib.suppress(*ACK_ERRORS):
                await m.in_progress()  # if lost, the message comes back after ack_wait

    async def _dead_letter(self, m: Msg, reason: str, attempts: int) -> None:
        subject = self._bus.app_subject(m.subject)
        seq = m.metadata.sequence.stream
        headers = dict(_wire_headers(m), reason=reason, attempts=str(attempts), group=self.durable)
        try:
            msg_id = f"dead:{self.stream}:{self.durable}:{seq}"
            await self._bus._publish(f"dead.{subject}", m.data, headers, msg_id=msg_id)
            await m.term()
        except DEAD_LETTER_ERRORS as exc:
            # left unacked: it comes back once more and is dead-lettered then
            log.warning("dead letter for %s seq %d postponed: %r", self.durable, seq, exc)
            return
        self._lag = max(0, self._lag - 1)
        log.warning("dead-lettered %s seq %d after %d attempts: %s", subject, seq, attempts, reason)
