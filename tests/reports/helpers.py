"""A crafted workspace for the report tests, and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from socialhub.models import (
    Author,
    Engagement,
    Mention,
    Query,
    Watchlist,
    WatchlistMember,
    Workspace,
)
from socialhub.store.base import Store

# Tuesday 3 March 2026; Paris is UTC+1 (winter time).
PERIOD = (datetime(2026, 3, 3, 7, 0, tzinfo=UTC), datetime(2026, 3, 3, 16, 0, tzinfo=UTC))


@dataclass
class World:
    ws: Workspace
    brand: Query
    azurel: Query
    press: Query


def setup_workspace(store: Store) -> World:
    ws = store.upsert_workspace(Workspace("fictel", "Fictel Télécom — Com", "Europe/Paris"))
    assert ws.id is not None
    brand = store.upsert_query(Query(ws.id, "Marque Fictel", "fictel"))
    azurel = store.upsert_query(Query(ws.id, "Concurrent Azurel", "azurel"))
    press = store.upsert_query(Query(ws.id, "Journalistes", "list:Journalistes"))
    store.upsert_watchlist(
        Watchlist(
            ws.id,
            "Journalistes",
            "journalist",
            members=[
                WatchlistMember("x", "croussel", "Camille Roussel", "journalist", "Le Quotidien"),
                WatchlistMember("x", "jaubertin", "Julien Aubertin", "journalist", "L'Écho"),
            ],
        )
    )
    store.upsert_watchlist(
        Watchlist(ws.id, "Députés", "mp", members=[WatchlistMember("x", "mdelorme", "M. Delorme")])
    )
    store.upsert_watchlist(
        Watchlist(
            ws.id, "Dirigeants", "executive", members=[WatchlistMember("x", "hmarc", "H. Marc")]
        )
    )
    return World(ws, brand, azurel, press)


def mention(
    native_id: str,
    text: str,
    at: datetime,
    handle: str,
    query_ids: list[int],
    *,
    keyphrases: list[str] = (),  # type: ignore[assignment]
    entities: list[dict[str, Any]] = (),  # type: ignore[assignment]
    likes: int = 0,
    followers: int = 100,
    sentiment: str | None = "neutral",
) -> Mention:
    return Mention(
        "x",
        native_id,
        text,
        at,
        url=f"https://x.example/{handle}/status/{native_id}",
        lang="fr",
        author=Author("x", f"u-{handle}", handle, handle.title(), followers=followers),
        engagement=Engagement(likes=likes),
        keyphrases=list(keyphrases),
        entities=list(entities),
        query_ids=query_ids,
        sentiment_label=sentiment,
        sentiment_score=0.0,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    # SMTP replies to give to DATA before accepting, in order (e.g. "451 try later")
    refuse: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and data.password == b"s3cret":
            self.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(e.original_content or b"", policy=policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]


@contextmanager
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=box.authenticate,
        auth_require_tls=False,  # loopback test server: no certificate to offer
    )
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
