"""API errors: ``message`` stays English (API clients, logs), ``display_message`` is the
same in the reader's language: the user's preference, else the language of the
workspace of the path (for a member), else the browser's (docs/i18n.md).

The reader's language is decided again in the exception handler: an error raised before
the workspace dependency ran (a wrong CSRF token, an unknown route, a validation error)
would otherwise be worded in the browser's language.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.testclient import TestClient

from socialhub.web.security import CSRF_FIELD

from .french import english_in, visible_text
from .helpers import World, csrf_of, login

HTML = {"Accept": "text/html"}


def _french_workspace(world: World, slug: str = "com") -> None:
    ws = world.ws[slug]
    world.ws[slug] = world.store.workspaces.upsert_workspace(dataclasses.replace(ws, locale="fr"))


def _prefers(world: World, username: str, locale: str) -> None:
    world.store.accounts.set_user_locale(world.users[username].id or 0, locale)


def _err(client: TestClient, method: str, path: str, **kw: Any) -> dict[str, Any]:
    r = client.request(method, path, **kw)
    assert r.status_code >= 400, (path, r.status_code, r.text)
    body: dict[str, Any] = r.json()
    assert set(body) >= {"error", "message", "display_message"}, body
    return body


def test_a_french_user_reads_french_and_the_api_keeps_english(world: World) -> None:
    """The shared world's workspaces are English; the user prefers French."""
    _prefers(world, "admin", "fr")
    admin = login(world.client(lang="en"), "admin")
    h = {"X-CSRF-Token": csrf_of(admin)}
    cases = [
        # query syntax (the query parser's M_ message)
        ("GET", "/api/workspaces/com/mentions?q=(mirabelle", {}, 400,
         "unclosed parenthesis '('", "parenthèse « ( » non fermée"),
        # pydantic's own wording (validation of a parameter)
        ("GET", "/api/workspaces/com/mentions?limit=abc", {}, 422,
         "query.limit: Input should be a valid integer, unable to parse string as an integer",
         "query.limit : un nombre entier est attendu"),
        # a form / body check of the app
        ("GET", "/api/workspaces/com/volume?since=2026-01-02&until=2026-01-01", {}, 400,
         "until must be after since", "la fin doit suivre le début (until après since)"),
        # not found: ours, and Starlette's own (no such route)
        ("POST", "/api/workspaces/com/alerts/999/ack", {"headers": h}, 404,
         "No alert 999 in this workspace.", "Aucune alerte 999 dans cet espace."),
        ("GET", "/api/workspaces/com/no-such-thing", {}, 404, "Not Found", "Introuvable"),
        # conflict
        ("PUT", "/api/workspaces/com/members/admin", {"headers": h, "json": {"role": "viewer"}},
         409, "You cannot take your own admin role away.",
         "Vous ne pouvez pas retirer votre propre rôle d'administrateur."),
        # CSRF: refused before the workspace is even looked at
        ("POST", "/api/workspaces/com/alerts/1/ack", {}, 403,
         "Missing or wrong CSRF token: reload the page and retry.",
         "Jeton CSRF absent ou erroné : rechargez la page et réessayez."),
        # a settings validator (several problems, each translated)
        ("PUT", "/api/workspaces/com/settings/alerts",
         {"headers": h, "json": {"value": {"min_severity": 0, "routes": "x"}}}, 400,
         "min_severity must be an integer from 1 to 10; routes must be a list",
         "min_severity doit être un entier de 1 à 10; routes doit être une liste"),
    ]  # fmt: skip
    for method, path, kw, status, english, french in cases:
        r = admin.request(method, path, **kw)
        assert r.status_code == status, (path, r.status_code, r.text)
        body = r.json()
        assert (body["message"], body["display_message"]) == (english, french), path


def test_an_english_user_reads_english(world: World) -> None:
    _french_workspace(world)  # the workspace is French, the user prefers English
    _prefers(world, "analyst", "en")
    analyst = login(world.client(lang="fr"), "analyst")
    body = _err(analyst, "GET", "/api/workspaces/com/mentions?q=(mirabelle")
    assert body["message"] == body["display_message"] == "unclosed parenthesis '('"
    body = _err(analyst, "POST", "/api/workspaces/com/alerts/1/ack")  # no CSRF token
    assert body["display_message"] == "Missing or wrong CSRF token: reload the page and retry."
    lint = analyst.get("/api/workspaces/com/lint?q=(mirabelle").json()["messages"][0]
    assert lint["message"] == lint["display_message"] == "unclosed parenthesis '('"


def test_without_a_preference_the_workspace_decides(world: World) -> None:
    """An English browser in a French workspace: the errors raised before the workspace
    dependency (CSRF, an unknown route, a parameter) still read French."""
    _french_workspace(world)
    analyst = login(world.client(lang="en"), "analyst")
    csrf = _err(analyst, "POST", "/api/workspaces/com/alerts/1/ack")
    assert csrf["error"] == "csrf"
    assert csrf["display_message"].startswith("Jeton CSRF absent ou erroné")
    assert _err(analyst, "GET", "/api/workspaces/com/nope")["display_message"] == "Introuvable"
    # the linter's messages too
    lint = analyst.get("/api/workspaces/com/lint?q=(mirabelle").json()["messages"][0]
    assert lint["message"] == "unclosed parenthesis '('"
    assert lint["display_message"] == "parenthèse « ( » non fermée"
    # a 403 of a role
    viewer = login(world.client(lang="en"), "viewer")
    body = _err(viewer, "POST", "/api/workspaces/com/alerts/1/ack",
                headers={"X-CSRF-Token": csrf_of(viewer)})  # fmt: skip
    assert body["message"] == "Your role in this workspace (viewer) cannot do this."
    assert body["display_message"] == (
        "Votre rôle dans cet espace (lecteur) ne permet pas cette action."
    )
    # a workspace the caller is not a member of does not lend its language
    _french_workspace(world, "qos")
    body = _err(analyst, "POST", "/api/workspaces/qos/alerts/1/ack")  # no CSRF token
    assert body["display_message"] == "Missing or wrong CSRF token: reload the page and retry."


def test_form_previews_show_problems_in_the_readers_language(world: World) -> None:
    _french_workspace(world)
    admin = login(world.client(lang="en"), "admin")
    h = {"X-CSRF-Token": csrf_of(admin)}
    p = admin.post(
        "/api/workspaces/com/settings/reports/preview",
        json={"value": [{"name": "x", "times": ["25:00"]}]},
        headers=h,
    ).json()
    assert p["problems"] == ["[0] time '25:00' is not HH:MM"]
    assert p["display_problems"] == ["[0] l'heure '25:00' n'est pas au format HH:MM"]
    p = admin.post(
        "/api/workspaces/com/walls/preview", json={"value": [{"name": "lobby",
        "screens": [["teapot"]]}]}, headers=h,
    ).json()  # fmt: skip
    assert p["problems"][0].startswith("[0] unknown panel 'teapot'")
    assert p["display_problems"][0].startswith("[0] panneau inconnu 'teapot'")
    bad = admin.put("/api/workspaces/com/walls", json={"walls": [{"name": "Bad Name"}]}, headers=h)
    assert bad.status_code == 400
    assert bad.json()["display_message"] == (
        "[0] 'name' doit compter de 1 à 40 minuscules, chiffres, - ou _"
    )


def test_an_error_page_reads_the_users_language(world: World) -> None:
    """The HTML error page of a form post refused before the workspace was known."""
    _french_workspace(world)
    admin = login(world.client(lang="en"), "admin")
    r = admin.post(
        "/w/com/admin/locale",
        data={CSRF_FIELD: "wrong", "locale": "fr", "timezone": "Europe/Paris"},
        headers=HTML,
    )
    assert r.status_code == 403
    text = visible_text(r.text)
    assert any("Jeton CSRF absent ou erroné" in t for t in text), text
    assert english_in(text, frozenset({"Communication <i>"})) == [], text
