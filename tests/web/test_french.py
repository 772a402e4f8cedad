"""A French workspace reads French: every page (as the roles that see them), the wall,
every alert email and in-app notification; an English workspace reads English; a
user's preference beats the workspace's; a string nobody translated fails the check.

The page scripts' output (text the browser writes) is checked in
tests/web/test_browser_french.py; here, what the server sends.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jinja2
import pytest
from fastapi.testclient import TestClient

from socialhub.alerts import render
from socialhub.alerts.channels.email import EmailChannel
from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.manager import AlertManager
from socialhub.alerts.routing import Route, Router, workspace_locale
from socialhub.i18n import install_jinja, use_locale
from socialhub.models import Role, User, Workspace
from socialhub.records.alerts import Alert
from socialhub.records.signals import Signal
from socialhub.records.stories import StoryRecord
from socialhub.store.base import Store
from socialhub.web.security import CSRF_FIELD

from .french import english_in, visible_text
from .helpers import NOW, World, _hash, login

T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)


def signal(i: int, *, severity: int, key: str, detector: str, workspace_id: int) -> Signal:
    return Signal(
        detector=detector, version="1", key=key, t=T0 + timedelta(minutes=i),
        severity=severity, observed=70.0, baseline=16.7, threshold=40.0, score=4.2,
        title="", workspace_id=workspace_id, evidence=[f"x:{i}"],
    )  # fmt: skip


# What each detector stores (analytics/detectors/*, alerts/triggers.py).
TITLES = {
    "complaints": "network_outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)",
    "volume": "Brand: 120 mentions in 15 min, 6.3× the usual 19.0 (still rising)",
    "sentiment_shift": "Brand: 64% negative over 60 min (usually 21%, 45/70 posts)",
    "convergence": "Brand: 3 listed voices in one conversation within 1.5 h: @a (journalist)",
    "emerging": "Emerging story: panne, lyon, fibre",
    "launch": "Launch Box 8: 340 mentions per 15 min, 2.0 h after the launch",
    "coordination": "12 comptes publient le même lien en 40 s — premier : @bot1",
    "watchlist": "@marie (journalists) posted about Brand",
}
ALLOWED = frozenset(
    {
        # names and data of the test world, not product text
        *("admin", "Admin", "analyst", "press", "viewer", "root", "juriste"),
        # the engagement pages' language switch names the other language
        "English",
        "Communication <i>",
        "Brand",
        "Rival <b>",
        "Outages",
    }
)


def _french(world: World) -> None:
    for slug in ("com", "qos"):
        ws = world.ws[slug]
        world.ws[slug] = world.store.workspaces.upsert_workspace(
            dataclasses.replace(ws, locale="fr")
        )


def _csrf(client: TestClient) -> str:
    page = client.get("/account").text
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found
    return found.group(1)


def _data(world: World) -> int:
    """A story, an alert of each detector, a legal member: something on every page."""
    store = world.store
    com = world.ws["com"].id or 0
    why = [
        {"component": "velocity", "value": 9.0, "points": 22.0,
         "why": "60 original posts in its busiest hour vs 6.0 usual"},
        {"component": "who", "value": 1, "points": 8.0, "why": "1 listed voices, 40 authors"},
        {"component": "negativity", "value": 0.5, "points": 7.0, "why": "50% negative"},
    ]  # fmt: skip
    store.stories.save(
        [StoryRecord(com, "k:big", "Panne à Lyon", "x:1", NOW, NOW, NOW, size=40, authors=30,
                     importance=61.0, explanation=why, responses={"answered": False})],
        [(com, "k:big", "x:1")],
    )  # fmt: skip
    story = store.stories.get_by_key(com, "k:big")
    assert story is not None and story.id is not None
    manager = AlertManager(store)
    for i, (detector, title) in enumerate(TITLES.items()):
        sig = signal(i, severity=5 + i % 5, key=f"k:{i}", detector=detector, workspace_id=com)
        manager.process(dataclasses.replace(sig, title=title))
    legal = store.accounts.upsert_user(User("juriste", "Juriste", "", _hash("juriste")))
    store.accounts.set_membership(com, legal.id or 0, Role.LEGAL)
    return story.id


def _pages(story: int) -> dict[str, list[str]]:
    """Every page, by who sees it."""
    ws = [
        "/w/com", "/w/com/explore", "/w/com/m/x:1", "/w/com/alerts", "/w/com/walls",
        "/w/com/stories", f"/w/com/stories/{story}", "/w/com/reports",
    ]  # fmt: skip
    return {
        "admin": ["/", "/account", *ws, "/w/com/admin", "/w/com/legal", "/w/com/legal/1",
                  "/w/com/inbox", "/w/com/drafts", "/w/com/templates", "/audit",
                  "/wall/com/main", "/w/com/nope"],
        "juriste": ["/w/com/legal", "/w/com/legal/1", "/audit"],
        "root": ["/users", "/quarantine", "/docs"],
        "viewer": ["/w/com", "/w/com/alerts"],
    }  # fmt: skip


def _problems(client: TestClient, path: str) -> list[str]:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code in (200, 404), (path, r.status_code, r.text[:300])
    return [f"{path}: {p}" for p in english_in(visible_text(r.text), ALLOWED)]


def _open_case(client: TestClient) -> None:
    sent = client.post(
        "/w/com/legal/send",
        data={CSRF_FIELD: _csrf(client), "kind": "mention", "item_id": "x:1",
              "reason": "insult", "title": "Injure"},
    )  # fmt: skip
    assert sent.status_code == 303, sent.text


def test_every_page_of_a_french_workspace_is_french(world: World) -> None:
    _french(world)
    story = _data(world)
    problems: list[str] = []
    login_page = world.client(lang="fr").get("/login")
    problems += [f"/login: {p}" for p in english_in(visible_text(login_page.text))]
    clients = {}
    for who in _pages(story):
        clients[who] = login(world.client(lang="fr"), who)
    _open_case(login(world.client(lang="fr"), "analyst"))
    for who, paths in _pages(story).items():
        for path in paths:
            problems += _problems(clients[who], path)
    dashboard = clients["admin"].get("/w/com").text
    assert '<html lang="fr">' in dashboard and "Tableau de bord" in dashboard
    assert problems == [], "\n".join(problems)


def test_an_error_shown_on_a_page_reads_french(world: World) -> None:
    _french(world)
    admin = login(world.client(lang="fr"), "admin")
    # a token without a name: the store's refusal, raised translatable, shown on the page
    r = admin.post("/account/tokens", data={CSRF_FIELD: _csrf(admin), "name": " "})
    assert r.status_code == 400
    text = visible_text(r.text)
    assert any("Un jeton a besoin d'un nom" in line for line in text), text
    assert english_in(text, ALLOWED) == [], text
    # what the page scripts show of an API error (display_message), from an English
    # browser: the errors a page can meet, raised before or after the workspace is known
    token = _csrf(admin)
    english = login(world.client(lang="en"), "analyst")
    answers = [
        admin.get("/api/workspaces/com/mentions?q=(mirabelle"),
        admin.get("/api/workspaces/com/mentions?limit=abc&q=mirabelle"),
        admin.get("/api/workspaces/com/nope"),
        admin.post("/api/workspaces/com/alerts/999/ack", headers={"X-CSRF-Token": token}),
        admin.put("/api/workspaces/com/members/admin", json={"role": "viewer"},
                  headers={"X-CSRF-Token": token}),
        admin.put("/api/workspaces/com/walls", json={"walls": [{"name": "Bad"}]},
                  headers={"X-CSRF-Token": token}),
        english.post("/api/workspaces/com/alerts/1/ack"),  # no CSRF token
        login(world.client(lang="en"), "viewer").post(
            "/api/workspaces/com/alerts/1/ack", headers={"X-CSRF-Token": token}
        ),
    ]  # fmt: skip
    shown = [r.json()["display_message"] for r in answers]
    assert all(r.status_code >= 400 for r in answers), [r.status_code for r in answers]
    assert english_in(shown, ALLOWED) == [], shown
    assert all(r.json()["message"] != r.json()["display_message"] for r in answers), shown


def test_an_english_workspace_is_english_and_a_preference_wins(world: World) -> None:
    story = _data(world)  # the shared world's workspaces are English
    admin = login(world.client(), "admin")
    page = admin.get("/w/com").text
    assert '<html lang="en">' in page and "Dashboard" in page and "Tableau de bord" not in page
    text = " ".join(visible_text(admin.get(f"/w/com/stories/{story}").text))
    assert "Why it matters" in text and "Pourquoi" not in text
    for path in ("/w/com/alerts", "/w/com/admin", "/account"):
        nodes = visible_text(admin.get(path).text)
        french = [n for n in nodes if re.search(r"[éèàùç]|\b(les|des|une|pour|avec)\b", n)]
        assert french == [], (path, french)
    # the user prefers French: the English workspace's pages follow the user
    r = admin.post("/account/locale", data={CSRF_FIELD: _csrf(admin), "locale": "fr"})
    assert r.status_code == 303
    assert '<html lang="fr">' in admin.get("/w/com").text
    assert world.store.accounts.get_user("admin").locale == "fr"  # type: ignore[union-attr]
    # an admin sets the workspace's language and zone from the admin page
    viewer = login(world.client(), "viewer")
    assert '<html lang="en">' in viewer.get("/w/com").text
    r = admin.post(
        "/w/com/admin/locale",
        data={CSRF_FIELD: _csrf(admin), "locale": "fr", "timezone": "America/Montreal"},
    )
    assert r.status_code == 303
    ws = world.store.workspaces.get_workspace("com")
    assert ws is not None and (ws.locale, ws.timezone) == ("fr", "America/Montreal")
    assert '<html lang="fr">' in viewer.get("/w/com").text
    bad = admin.post("/w/com/admin/locale", data={CSRF_FIELD: _csrf(admin), "locale": "de",
                                                  "timezone": "Europe/Paris"})  # fmt: skip
    assert bad.status_code == 400
    assert viewer.post("/w/com/admin/locale", data={"locale": "en"}).status_code == 403


def test_the_api_titles_alerts_in_the_requests_language(world: World) -> None:
    _data(world)
    admin = login(world.client(), "admin")
    items = admin.get("/api/workspaces/com/alerts?state=all&limit=50").json()["items"]
    stored = {a["detector"]: a for a in items}
    assert stored["complaints"]["title"] == TITLES["complaints"]  # stored as written
    assert stored["complaints"]["display_title"].startswith("network outage complaints")
    _french(world)
    items = admin.get("/api/workspaces/com/alerts?state=all&limit=50").json()["items"]
    shown = {a["detector"]: a["display_title"] for a in items}
    assert shown["complaints"] == (
        "Réclamations « panne réseau » partout : 70 en 15 min, 4,2× la normale (en hausse)"
    )
    assert shown["sentiment_shift"].startswith("Brand : 64 % de négatif sur 60 min")
    assert shown["volume"] == (
        "Brand : 120 mentions en 15 min, 6,3× la normale de 19,0 (toujours en hausse)"
    )
    problems = [p for t in shown.values() for p in english_in([t], ALLOWED)]
    assert problems == [], "\n".join(problems)


def _alerts(store: Store, workspace_id: int) -> list[Alert]:
    manager = AlertManager(store)
    out = []
    for i, (detector, title) in enumerate(TITLES.items()):
        sig = signal(i, severity=9, key=f"e:{i}", detector=detector, workspace_id=workspace_id)
        done = manager.process(dataclasses.replace(sig, title=title))
        assert done.alert is not None
        out.append(done.alert)
    return out


def test_every_alert_email_of_a_french_workspace_is_french(sqlite_store: Store) -> None:
    ws = sqlite_store.workspaces.upsert_workspace(Workspace("fr", "Fictel", locale="fr"))
    channel = EmailChannel("127.0.0.1", "alertes@fictel.example", ["crise@fictel.example"])
    problems = []
    for alert in _alerts(sqlite_store, ws.id or 0):
        for event in ("opened", "escalated", "reopened"):
            with use_locale("fr", "Europe/Paris"):
                msg = channel.message(alert, event)
            text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
            lines = [str(msg["Subject"])] + [x.strip() for x in text.splitlines() if x.strip()]
            problems += english_in(lines) + english_in(visible_text(html))
            assert '<html lang="fr">' in html
    assert problems == [], "\n".join(problems)
    with use_locale("fr", "Europe/Paris"):
        text = render.as_text(_alerts(sqlite_store, ws.id or 0)[0])
    assert "Gravité : 9/10 (crise)" in text
    assert f"{T0:%H}:00" not in text  # shown in Paris time, 24-hour clock
    assert "09:00" in text


def test_a_router_writes_in_each_workspaces_language(sqlite_store: Store) -> None:
    fr = sqlite_store.workspaces.upsert_workspace(Workspace("fr", "Fictel", locale="fr"))
    en = sqlite_store.workspaces.upsert_workspace(
        Workspace("en", "Fictel UK", "Europe/London", locale="en")
    )
    router = Router(
        sqlite_store.alerts,
        [InAppChannel(sqlite_store)],
        [Route(channels=["inapp"])],
        locale_of=workspace_locale(sqlite_store.workspaces),
    )
    for ws in (fr, en):
        alert = _alerts(sqlite_store, ws.id or 0)[0]
        router.dispatch(alert, "opened")
    titles = {n.workspace_id: n.title for n in sqlite_store.alerts.list_notifications(limit=100)}
    assert titles[fr.id].startswith("[ALERTE 9/10] Réclamations « panne réseau » partout")
    assert titles[en.id].startswith("[ALERT 9/10] network outage complaints everywhere")


@pytest.mark.parametrize(
    "template",
    [
        '<p>{{ _("Log out") }}</p><p>{{ _("A sentence nobody translated for this test") }}</p>',
        "<p>{{ _('Log out') }}</p><button>Show me the data</button>",
        '<p title="Your account: password, API tokens">{{ _("Log out") }}</p>',
    ],
)
def test_the_check_fails_on_a_string_nobody_translated(template: str) -> None:
    env = jinja2.Environment(autoescape=True)
    install_jinja(env)
    with use_locale("fr"):
        html = env.from_string(template).render()
    assert "Se déconnecter" in html  # the translated part is translated…
    assert english_in(visible_text(html)) != []  # …and the other one is caught


def test_french_text_passes_the_check() -> None:
    nodes = ["Réclamations « panne réseau » partout : 70 en 15 min", "Se déconnecter",
             "Aucune alerte ouverte.", "mirabelle super réseau"]  # fmt: skip
    assert english_in(nodes) == []


Login = Callable[[str], TestClient]
