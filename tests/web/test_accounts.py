"""Password changes (page and API) and user deactivation (page, API, store), with their
role checks, rate limit, session and token revocation and audit trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from socialhub.config.passwords import verify_password
from socialhub.models import User
from socialhub.records.accounts import LastAdminError
from socialhub.records.sessions import WebSession
from socialhub.store.postgres import PostgresStore
from socialhub.store.sqlite import SqliteStore
from socialhub.web.accounts import password_problem
from socialhub.web.auth import create_token
from socialhub.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, digest

from .helpers import NOW, World, csrf_of, login, password

AsUser = Callable[[str], TestClient]
HTML = {"Accept": "text/html"}
NEW = "Quetsche-Bleue-2026"


def _change(client: TestClient, current: str, new: str, again: str | None = None, **kw: str):  # type: ignore[no-untyped-def]
    data = {"current_password": current, "new_password": new, "new_password2": again or new}
    data.setdefault("csrf_token", kw.get("csrf", csrf_of(client)))
    return client.post("/account/password", data=data, headers=HTML)


def _login_status(world: World, username: str, pw: str) -> int:
    client = world.client()
    client.get("/login")
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    r = client.post("/login", data={"username": username, "password": pw, "csrf_token": token})
    return r.status_code


def test_password_rule() -> None:
    assert password_problem("short") is not None
    assert password_problem("azertyuiop") is not None  # common
    assert password_problem("aaaaaaaaaaaa") is not None  # one character
    assert password_problem("alice-is-great", "alice") is not None  # contains the username
    assert password_problem("x" * 300 + "abcd") is not None  # too long to hash
    assert password_problem(NEW, "alice") is None


def test_password_change_page_ends_other_sessions_and_rehashes(
    world: World, as_user: AsUser
) -> None:
    other = as_user("analyst")  # another browser of the same user
    client = as_user("analyst")
    page = client.get("/account", headers=HTML)
    assert page.status_code == 200 and 'action="/account/password"' in page.text
    # CSRF: a form without the session's token is refused before anything is checked
    forged = client.post(
        "/account/password",
        data={"current_password": password("analyst"), "new_password": NEW, "new_password2": NEW},
        headers=HTML,
    )
    assert forged.status_code == 403
    assert _change(client, password("analyst"), NEW, "Quetsche-Bleue-2027").status_code == 400
    weak = _change(client, password("analyst"), "1234567890")
    assert weak.status_code == 400 and "too easy" in weak.text
    assert _change(client, "wrong-current-pw", NEW).status_code == 403
    ok = _change(client, password("analyst"), NEW)
    assert ok.status_code == 200 and "Password changed. 1 other session(s) ended." in ok.text
    user = world.store.accounts.get_user("analyst")
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, NEW)
    assert client.get("/api/me").status_code == 200  # this session stays
    assert other.get("/api/me").status_code == 401  # the other one ended
    assert _login_status(world, "analyst", password("analyst")) == 401
    assert _login_status(world, "analyst", NEW) == 303
    root = login(world.client(), "root")
    events = root.get("/api/users/events", params={"username": "analyst"}).json()["items"]
    assert [(e["kind"], e["actor"]) for e in events] == [("password_changed", "analyst")]


def test_password_change_is_rate_limited(world: World, as_user: AsUser) -> None:
    client = as_user("viewer")
    for _ in range(5):
        assert _change(client, "not-my-password", NEW).status_code == 403
    locked = _change(client, password("viewer"), NEW)  # even the right one, for a while
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    world.clock.advance(minutes=16)
    assert _change(client, password("viewer"), NEW).status_code == 200


def test_password_change_over_the_api(world: World) -> None:
    token, _ = create_token(world.store, world.users["press"].id or 0, "script", NOW)
    api = world.client()
    auth = {"Authorization": f"Bearer {token}"}
    browser = login(world.client(), "press")
    body = {"current_password": "wrong-one-here", "new_password": NEW}
    wrong = api.post("/api/me/password", json=body, headers=auth)
    assert wrong.status_code == 403 and wrong.json()["error"] == "wrong_password"
    body["current_password"] = password("press")
    weak = api.post("/api/me/password", json={**body, "new_password": "press-press-1"})
    assert weak.status_code == 401  # no credentials, no change
    weak = api.post("/api/me/password", json={**body, "new_password": "press-2026-x"}, headers=auth)
    assert weak.status_code == 400 and weak.json()["error"] == "weak_password"
    done = api.post("/api/me/password", json=body, headers=auth)
    assert done.status_code == 200 and done.json() == {"changed": True, "sessions_ended": 1}
    assert browser.get("/api/me").status_code == 401
    assert api.get("/api/me", headers=auth).status_code == 200  # tokens keep working
    # a session caller needs the CSRF header like any other state change
    again = login(world.client(), "press", NEW)
    body = {"current_password": NEW, "new_password": "Mirabelle-Jaune-77"}
    assert again.post("/api/me/password", json=body).status_code == 403
    ok = again.post("/api/me/password", json=body, headers={"X-CSRF-Token": csrf_of(again)})
    assert ok.status_code == 200 and ok.json()["sessions_ended"] == 0


@pytest.mark.parametrize("username", ["viewer", "analyst", "admin", "qosviewer"])
def test_only_site_admins_manage_users(world: World, as_user: AsUser, username: str) -> None:
    """Even a workspace admin cannot reach user administration, by page or by API."""
    client = as_user(username)
    csrf = csrf_of(client)
    assert client.get("/users", headers=HTML).status_code == 403
    assert client.get("/api/users").status_code == 403
    assert client.get("/api/users/events").status_code == 403
    r = client.post("/api/users/press/deactivate", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    r = client.post("/users/press/deactivate", data={"csrf_token": csrf}, headers=HTML)
    assert r.status_code == 403
    assert "/users" not in client.get("/", headers=HTML).text.split("<main>")[0]
    assert world.store.accounts.get_user("press").is_active  # type: ignore[union-attr]


def test_deactivation_cuts_sessions_and_tokens_at_once(world: World, as_user: AsUser) -> None:
    analyst = as_user("analyst")
    token, _ = create_token(world.store, world.users["analyst"].id or 0, "nightly", NOW)
    bearer = {"Authorization": f"Bearer {token}"}
    assert analyst.get("/api/workspaces/com").status_code == 200
    assert world.client().get("/api/me", headers=bearer).status_code == 200
    root = as_user("root")
    csrf = csrf_of(root)
    page = root.get("/users", headers=HTML)
    assert page.status_code == 200 and 'action="/users/analyst/deactivate"' in page.text
    r = root.post("/users/analyst/deactivate", data={"csrf_token": csrf}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/users"
    assert analyst.get("/api/workspaces/com").status_code == 401
    assert world.client().get("/api/me", headers=bearer).status_code == 401
    assert _login_status(world, "analyst", password("analyst")) == 401
    listed = {u["username"]: u for u in root.get("/api/users").json()["items"]}
    assert listed["analyst"]["active"] is False and listed["root"]["site_admin"] is True
    # reactivation over the API: login works again, the revoked token stays revoked
    r = root.post("/api/users/analyst/activate", headers={"X-CSRF-Token": csrf})
    assert r.json() == {"username": "analyst", "active": True, "changed": True}
    assert _login_status(world, "analyst", password("analyst")) == 303
    assert world.client().get("/api/me", headers=bearer).status_code == 401
    events = root.get("/api/users/events").json()["items"]
    assert [(e["username"], e["kind"], e["actor"]) for e in events] == [
        ("analyst", "activated", "root"),
        ("analyst", "deactivated", "root"),
    ]
    audit = root.get("/users", headers=HTML).text
    assert "deactivated" in audit and audit.count("<td>root</td>") >= 2


def test_last_site_admin_and_self_are_refused(world: World, as_user: AsUser) -> None:
    root = as_user("root")
    csrf = {"X-CSRF-Token": csrf_of(root)}
    me = root.post("/api/users/root/deactivate", headers=csrf)
    assert me.status_code == 409 and "yourself" in me.json()["message"]
    assert root.post("/api/users/nobody/deactivate", headers=csrf).status_code == 404
    # a second site admin may be deactivated while root stays
    world.store.accounts.set_site_admin(world.users["admin"].id or 0, True)
    assert root.post("/api/users/admin/deactivate", headers=csrf).status_code == 200
    again = root.post("/api/users/admin/deactivate", headers=csrf)
    assert again.status_code == 200 and again.json()["changed"] is False
    # the store itself refuses to leave no active site administrator
    with pytest.raises(LastAdminError):
        world.store.accounts.set_user_active(world.users["root"].id or 0, False, actor="t", at=NOW)
    assert world.store.accounts.get_user("root").is_active  # type: ignore[union-attr]


def test_store_user_functions(store: SqliteStore | PostgresStore) -> None:
    """set_user_password / set_user_active / the audit trail on both back ends."""
    a = store.accounts.upsert_user(User("ana", "Ana", "", "old-hash"))
    b = store.accounts.upsert_user(User("ben", "Ben", "", "old-hash"))
    assert a.id and b.id
    store.accounts.set_site_admin(a.id, True)
    store.accounts.set_site_admin(b.id, True)
    for n, uid in enumerate((a.id, a.id, b.id)):
        store.sessions.create_session(WebSession(f"s{n}", uid, "csrf", NOW, NOW, "", ""))
    assert store.accounts.set_user_password(a.id, "new-hash", keep_session="s0") == 1
    assert store.sessions.get_session("s0") is not None and store.sessions.get_session("s1") is None
    assert store.accounts.set_user_password(999_999, "x") is None
    token, _ = create_token(store, b.id, "ci", NOW)
    assert store.accounts.set_user_active(b.id, False, actor="ana", at=NOW) is True
    ben = store.accounts.get_user("ben")
    assert ben is not None and not ben.is_active and ben.password_hash == "old-hash"
    assert (
        store.sessions.get_session("s2") is None
        and store.sessions.find_api_token(digest(token)) is None
    )
    with pytest.raises(LastAdminError):
        store.accounts.set_user_active(a.id, False, actor="ana", at=NOW)
    assert store.accounts.set_user_active(b.id, True, actor="ana", at=NOW) is True
    assert store.accounts.set_user_active(b.id, True, actor="ana", at=NOW) is False
    events = store.accounts.list_user_events()
    assert [(e.username, e.kind, e.actor, e.at) for e in events] == [
        ("ben", "activated", "ana", NOW),
        ("ben", "deactivated", "ana", NOW),
    ]
    assert store.accounts.list_user_events(a.id) == []


def test_session_cookie_of_a_deactivated_user_is_deleted(world: World, as_user: AsUser) -> None:
    viewer = as_user("viewer")
    session_id = viewer.cookies.get(SESSION_COOKIE)
    assert session_id and world.store.sessions.get_session(digest(session_id)) is not None
    world.store.accounts.set_user_active(world.users["viewer"].id or 0, False, actor="t", at=NOW)
    assert world.store.sessions.get_session(digest(session_id)) is None
    assert viewer.get("/w/com", headers=HTML).status_code == 303  # back to the login form


def test_login_rehash_touches_only_the_hash(world: World, as_user: AsUser) -> None:
    """A weaker hash is upgraded at login without ending other sessions or touching the
    active flag (an upsert of the login's earlier read could undo a deactivation)."""
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(password("press"))
    store = world.store
    store.accounts.set_user_password(world.users["press"].id or 0, weak)
    other = as_user("press")  # this login already rehashes
    upgraded = store.accounts.get_user("press")
    assert upgraded is not None and upgraded.password_hash != weak
    assert verify_password(upgraded.password_hash, password("press"))
    store.accounts.set_user_password(world.users["press"].id or 0, weak, end_sessions=False)
    as_user("press")
    assert other.get("/api/me").status_code == 200  # the rehash ended no session
    assert store.accounts.get_user("press").password_hash != weak  # type: ignore[union-attr]
