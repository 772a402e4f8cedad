"""A small engagement world on any store: a workspace, people of every role, a complaint
addressed to the official X account, that account declared, and a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from socialhub.engage.service import Actor, Engagement
from socialhub.models import Author, Mention, Query, Role, User, Workspace
from socialhub.store.engage import OfficialAccount

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TOKEN_ENV = "SOCIALHUB_TEST_X_TOKEN"
TOKEN = "tok-123"


@dataclass
class Clock:
    now: datetime = T0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


@dataclass
class EngageWorld:
    store: Any
    clock: Clock
    ws: Workspace
    other: Workspace
    account: OfficialAccount
    complaint: Mention
    users: dict[str, User]

    def engagement(self, **kw: Any) -> Engagement:
        kw.setdefault("env", {TOKEN_ENV: TOKEN})
        return Engagement(self.store, clock=self.clock, sleep=self.clock.sleep, **kw)

    def actor(self, username: str) -> Actor:
        roles = {
            "alice": "analyst",
            "paul": "press",
            "pia": "press",
            "vic": "viewer",
            "lea": "legal",
            "ada": "admin",
        }
        return Actor(username, roles[username])


def build(store: Any, api_base: str = "http://127.0.0.1:9") -> EngageWorld:
    clock = Clock()
    ws = store.workspaces.upsert_workspace(
        Workspace("mirabelle-com", "Communication", "Europe/Paris")
    )
    other = store.workspaces.upsert_workspace(Workspace("mirabelle-qos", "QoS", "Europe/Paris"))
    query = store.workspaces.upsert_query(Query(ws.id, "Marque", "mirabelle"))
    users = {}
    for name, role in (
        ("alice", Role.ANALYST),
        ("paul", Role.PRESS),
        ("pia", Role.PRESS),
        ("vic", Role.VIEWER),
        ("lea", Role.LEGAL),
        ("ada", Role.ADMIN),
    ):
        users[name] = store.accounts.upsert_user(User(name, name.title(), "", ""))
        store.accounts.set_membership(ws.id, users[name].id, role)
    account, _ = store.engage.upsert_account(
        OfficialAccount(
            "x",
            "mirabellefr",
            "MirabelleFR",
            "4242",
            ["mirabelle-com"],
            {"token": TOKEN_ENV},
            api_base,
        ),
        T0,
    )
    complaint = Mention(
        "x",
        "1799",
        "@MirabelleFR toujours en panne depuis ce matin, c'est inadmissible",
        T0 - timedelta(minutes=20),
        author=Author("x", "u1", "jeanne_d", "Jeanne D.", followers=12_000),
        sentiment_label="negative",
        query_ids=[query.id],
        lang="fr",
    )
    question = Mention(
        "x",
        "1800",
        "@MirabelleFR vous ouvrez quand la boutique de Metz ?",
        T0 - timedelta(minutes=10),
        author=Author("x", "u2", "paulo", followers=30),
        query_ids=[query.id],
        lang="fr",
    )
    noise = Mention(
        "x",
        "1801",
        "mirabelle confiture maison",
        T0 - timedelta(minutes=5),
        author=Author("x", "u3", "chef"),
        query_ids=[query.id],
    )
    store.mentions.add([complaint, question, noise])
    return EngageWorld(store, clock, ws, other, account, complaint, users)
