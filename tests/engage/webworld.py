"""The engagement world served by the web app, people able to log in, a fake X server."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.testclient import TestClient

from socialhub.config.passwords import hash_password
from socialhub.web.app import create_app
from socialhub.web.security import LOGIN_CSRF_COOKIE, AuthConfig

from .world import EngageWorld, build

_HASHES: dict[str, str] = {}  # argon2 is slow on purpose: once per name per session


def password(username: str) -> str:
    return f"{username}-pass-123"


def _hash(username: str) -> str:
    if username not in _HASHES:
        _HASHES[username] = hash_password(password(username))
    return _HASHES[username]


def login(client: TestClient, username: str) -> TestClient:
    client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": username,
            "password": password(username),
            "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE),
        },
    )
    assert r.status_code == 303, r.text
    return client


def with_passwords(w: EngageWorld) -> EngageWorld:
    for name, user in list(w.users.items()):
        w.users[name] = w.store.accounts.upsert_user(
            dataclasses.replace(user, password_hash=_hash(name))
        )
    return w


def web_world(store: Any, api_base: str) -> EngageWorld:
    return with_passwords(build(store, api_base))


def app_of(w: EngageWorld) -> Any:
    return create_app(w.store, auth=AuthConfig(clock=w.clock), engagement=w.engagement())


def client_as(w: EngageWorld, username: str | None, app: Any = None) -> TestClient:
    client = TestClient(app or app_of(w), base_url="http://testserver", follow_redirects=False)
    return login(client, username) if username else client
