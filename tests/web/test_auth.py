"""Login, logout, sessions and their expiry, CSRF, the login rate limit, API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from socialhub.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, digest

from .helpers import World, csrf_of, login, password


def _post_login(client: TestClient, username: str, pw: str) -> object:
    client.get("/login")
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    return client.post("/login", data={"username": username, "password": pw, "csrf_token": token})


def test_pages_and_api_need_a_login(world: World) -> None:
    client = world.client()
    page = client.get("/w/com", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fw%2Fcom"
    api = client.get("/api/workspaces")
    assert api.status_code == 401
    assert api.json()["error"] == "unauthorized" and api.json()["message"]
    assert client.get("/healthz").status_code == 200


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(world: World) -> None:
    client = world.client()
    r = _post_login(client, "viewer", password("viewer"))
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    session_id = client.cookies.get(SESSION_COOKIE)
    # opaque random id, stored only as its hash
    assert session_id and len(session_id) >= 40
    assert world.store.sessions.get_session(session_id) is None
    assert world.store.sessions.get_session(digest(session_id)) is not None
    assert client.get("/api/me").json()["username"] == "viewer"
    csrf = csrf_of(client)
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert world.store.sessions.get_session(digest(session_id)) is None
    client.cookies.set(SESSION_COOKIE, session_id)  # a replayed cookie is dead
    assert client.get("/api/me").status_code == 401


def test_cookie_is_secure_over_https(world: World) -> None:
    client = world.client(base_url="https://testserver")
    r = _post_login(client, "viewer", password("viewer"))
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_get_the_same_answer(world: World) -> None:
    client = world.client()
    wrong = _post_login(client, "viewer", "nope-nope-nope")
    unknown = _post_login(client, "nobody", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 401  # type: ignore[attr-defined]
    assert "Wrong username or password." in wrong.text  # type: ignore[attr-defined]
    assert "Wrong username or password." in unknown.text  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in client.cookies


def test_login_rate_limit_per_username_and_address(world: World) -> None:
    client = world.client()
    for _ in range(5):
        assert _post_login(client, "viewer", "bad-password").status_code == 401  # type: ignore[attr-defined]
    blocked = _post_login(client, "viewer", password("viewer"))  # even the right one
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert int(blocked.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    # another username from the same address is not locked out
    assert _post_login(client, "analyst", password("analyst")).status_code == 303  # type: ignore[attr-defined]
    world.clock.advance(minutes=16)
    assert _post_login(client, "viewer", password("viewer")).status_code == 303  # type: ignore[attr-defined]


def test_login_form_needs_its_csrf_cookie(world: World) -> None:
    client = world.client()
    client.get("/login")
    r = client.post(
        "/login",
        data={"username": "viewer", "password": password("viewer"), "csrf_token": "forged"},
    )
    assert r.status_code == 403 and SESSION_COOKIE not in client.cookies


def test_idle_and_absolute_session_expiry(world: World) -> None:
    client = login(world.client(), "viewer")
    world.clock.advance(hours=7)
    assert client.get("/api/me").status_code == 200  # activity resets the idle timer
    world.clock.advance(hours=7)
    assert client.get("/api/me").status_code == 200
    world.clock.advance(hours=8, minutes=1)
    assert client.get("/api/me").status_code == 401  # idle too long
    client = login(world.client(), "viewer")
    for _ in range(8 * 7 - 1):  # active every 3 hours for (almost) a week
        world.clock.advance(hours=3)
        assert client.get("/api/me").status_code == 200
    world.clock.advance(hours=3, seconds=1)
    assert client.get("/api/me").status_code == 401  # absolute limit: 7 days


def test_state_changing_calls_need_the_csrf_token(world: World) -> None:
    client = login(world.client(), "analyst")
    assert client.post("/logout").status_code == 403
    r = client.post("/api/me/tokens", json={"name": "x"})
    assert r.status_code == 403 and r.json()["error"] == "csrf"
    r = client.post("/api/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    ok = client.post(
        "/api/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert ok.status_code == 201
    # a form post with the field is accepted too
    form = client.post("/account/tokens", data={"name": "y", "csrf_token": csrf_of(client)})
    assert form.status_code == 201
    assert client.post("/account/tokens", data={"name": "z"}).status_code == 403


def test_api_tokens_hashed_shown_once_and_revocable(world: World) -> None:
    client = login(world.client(), "analyst")
    csrf = {"X-CSRF-Token": csrf_of(client)}
    made = client.post("/api/me/tokens", json={"name": "nightly"}, headers=csrf).json()
    token = made["token"]
    assert token.startswith("shub_") and made["prefix"] == token[:10]
    listed = client.get("/api/me/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["nightly"] and "token" not in listed[0]
    assert world.store.sessions.find_api_token(token) is None  # not stored in clear
    assert world.store.sessions.find_api_token(digest(token)) is not None
    bare = world.client()
    auth = {"Authorization": f"Bearer {token}"}
    assert bare.get("/api/me", headers=auth).json()["username"] == "analyst"
    assert bare.get("/api/me", headers=auth).json()["via"] == "token"
    # token callers need no CSRF token, but cannot mint more tokens
    assert bare.post("/api/me/tokens", json={"name": "more"}, headers=auth).status_code == 403
    revoked = client.delete(f"/api/me/tokens/{made['id']}", headers=csrf)
    assert revoked.status_code == 200
    r = bare.get("/api/me", headers=auth)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert bare.get("/api/me", headers={"Authorization": "Bearer shub_forged"}).status_code == 401
    # someone else's token cannot be revoked
    other = login(world.client(), "viewer")
    made2 = client.post("/api/me/tokens", json={"name": "two"}, headers=csrf).json()
    r = other.delete(f"/api/me/tokens/{made2['id']}", headers={"X-CSRF-Token": csrf_of(other)})
    assert r.status_code == 404


def test_account_page_shows_a_new_token_once(world: World) -> None:
    client = login(world.client(), "viewer")
    csrf = csrf_of(client)
    made = client.post("/account/tokens", data={"name": "<b>script</b>", "csrf_token": csrf})
    assert made.status_code == 201
    value = made.text.split('id="new-token">')[1].split("<")[0]
    assert value.startswith("shub_")
    assert "&lt;b&gt;script&lt;/b&gt;" in made.text and "<b>script</b>" not in made.text
    again = client.get("/account")
    assert value not in again.text and "script" in again.text
    token_id = world.store.sessions.list_api_tokens(world.users["viewer"].id or 0)[0].id
    r = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert world.store.sessions.find_api_token(digest(value)) is None
