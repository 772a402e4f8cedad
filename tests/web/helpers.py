"""Helpers of the web tests: a small world: two workspaces, users of every role, mentions.

``world`` is built on SQLite (the store contract for the web tables runs on both back
ends in test_store_web.py). Passwords are the username + "-pass-123".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from socialhub.config.passwords import hash_password
from socialhub.models import Author, Engagement, Mention, Query, Role, User, Workspace
from socialhub.store.sqlite import SqliteStore
from socialhub.web.app import create_app
from socialhub.web.live import LiveFeed
from socialhub.web.security import LOGIN_CSRF_COOKIE, AuthConfig

#: Debian's Chromium, never a downloaded browser (installed by scripts/setup.sh).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch_chromium(pw: Any) -> Any:
    """A headless Debian Chromium from a Playwright ``sync_playwright()`` handle."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
_HASH = {}  # argon2 is slow on purpose: hash each test password once per session


def password(username: str) -> str:
    return f"{username}-pass-123"


def _hash(username: str) -> str:
    if username not in _HASH:
        _HASH[username] = hash_password(password(username))
    return _HASH[username]


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    store: SqliteStore
    clock: Clock
    live: LiveFeed
    ws: dict[str, Workspace] = field(default_factory=dict)
    queries: dict[str, Query] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def app(self, **kwargs: object):  # type: ignore[no-untyped-def]
        return create_app(self.store, self.live, auth=AuthConfig(clock=self.clock), **kwargs)

    def client(self, base_url: str = "http://testserver", lang: str = "en") -> TestClient:
        # The shared world speaks English (its workspaces and the browser's language), so
        # tests read the English message ids; tests/web/test_french.py reads French.
        return TestClient(
            self.app(),
            base_url=base_url,
            follow_redirects=False,
            headers={"Accept-Language": lang},
        )


def mention(n: int, text: str, query: Query, *, hours_ago: float = 1, **kw: object) -> Mention:
    author = kw.pop("author", None) or Author(
        "x", f"a{n % 3}", f"author{n % 3}", name=f"Author {n % 3}", followers=10 * n
    )
    return Mention(
        str(kw.pop("platform", "x")),
        str(n),
        text,
        kw.pop("created_at", None) or NOW - timedelta(hours=hours_ago),  # type: ignore[arg-type]
        author=author,  # type: ignore[arg-type]
        lang=str(kw.pop("lang", "fr")),
        query_ids=[query.id or 0],
        engagement=Engagement(likes=n),
        **kw,  # type: ignore[arg-type]
    )


def build_world(store: SqliteStore, clock: Clock) -> World:
    w = World(store, clock, LiveFeed())
    w.ws["com"] = store.workspaces.upsert_workspace(
        Workspace("com", "Communication <i>", "Europe/Paris", locale="en")
    )
    w.ws["qos"] = store.workspaces.upsert_workspace(
        Workspace("qos", "Qualité de service", "Europe/Paris", locale="en")
    )
    w.queries["brand"] = store.workspaces.upsert_query(
        Query(w.ws["com"].id or 0, "Brand", "mirabelle")
    )
    w.queries["rival"] = store.workspaces.upsert_query(
        Query(w.ws["com"].id or 0, "Rival <b>", "quetsche")
    )
    w.queries["outage"] = store.workspaces.upsert_query(
        Query(w.ws["qos"].id or 0, "Outages", "panne")
    )
    roles = {
        "admin": ("com", Role.ADMIN),
        "analyst": ("com", Role.ANALYST),
        "press": ("com", Role.PRESS),
        "viewer": ("com", Role.VIEWER),
        "qosviewer": ("qos", Role.VIEWER),
    }
    for username, (slug, role) in roles.items():
        user = store.accounts.upsert_user(User(username, username.title(), "", _hash(username)))
        w.users[username] = user
        store.accounts.set_membership(w.ws[slug].id or 0, user.id or 0, role)
    # share of voice compares the declared brand and competitor queries only
    store.workspaces.set_workspace_setting(
        w.ws["com"].id or 0, "share_of_voice", {"brand": ["Brand"], "competitors": ["Rival <b>"]}
    )
    root = store.accounts.upsert_user(User("root", "Root", "", _hash("root")))
    store.accounts.set_site_admin(root.id or 0, True)
    w.users["root"] = root
    brand, rival, outage = w.queries["brand"], w.queries["rival"], w.queries["outage"]
    store.mentions.add(
        [
            mention(1, f"mirabelle {HOSTILE}", brand, hours_ago=1, sentiment_label="negative"),
            mention(2, "mirabelle super réseau", brand, hours_ago=2, sentiment_label="positive"),
            mention(3, "mirabelle encore", brand, hours_ago=26, platform="bsky", lang="en"),
            mention(4, "quetsche lance une offre", rival, hours_ago=3),
            mention(5, "panne secrète chez qos", outage, hours_ago=1),
        ]
    )
    return w


def login(client: TestClient, username: str, pw: str | None = None) -> TestClient:
    """Log in through the form (CSRF cookie and field included); asserts success."""
    r = client.get("/login")
    assert r.status_code == 200
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    r = client.post(
        "/login",
        data={"username": username, "password": pw or password(username), "csrf_token": token},
    )
    assert r.status_code == 303, r.text
    return client


def csrf_of(client: TestClient) -> str:
    token = client.get("/api/me").json()["csrf_token"]
    assert token
    return str(token)
