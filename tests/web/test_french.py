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
from typing import Any

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
from socialhub.records.engage import InboxItem
from socialhub.records.incidents import Incident, IncidentEvent
from socialhub.records.signals import Signal
from socialhub.records.stories import StoryRecord
from socialhub.reports.build import build
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


def _data(world: World) -> dict[str, int]:
    """A story, an alert of each detector, a legal member, an incident, an inbox item and
    a built report: something on every page. The ids of what the routes name."""
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
    alerts = []
    for i, (detector, title) in enumerate(TITLES.items()):
        sig = signal(i, severity=5 + i % 5, key=f"k:{i}", detector=detector, workspace_id=com)
        done = manager.process(dataclasses.replace(sig, title=title))
        assert done.alert is not None and done.alert.id is not None
        alerts.append(done.alert.id)
    legal = store.accounts.upsert_user(User("juriste", "Juriste", "", _hash("juriste")))
    store.accounts.set_membership(com, legal.id or 0, Role.LEGAL)
    return {
        "story_id": story.id,
        "incident_id": _incident(store, com, alerts[0], story.id),
        "item_id": _inbox_item(store, com),
        "report_id": _report(world),
    }


def _incident(store: Store, com: int, alert: int, story: int) -> int:
    """An incident with people's actions on its timeline (what its pages show)."""
    inc = store.incidents.save_incident(
        Incident(com, "Panne à Lyon", 8, NOW, owner="admin", playbook="outage")
    )
    assert inc.id is not None
    store.incidents.link(inc.id, "alert", alert)
    store.incidents.link(inc.id, "story", story)
    for kind, who, details in (
        ("opened", "", {}),
        ("acknowledged", "admin", {}),
        ("note", "admin", {"text": "Appelé la QoS <script>"}),  # shown as text
        ("owner", "admin", {"to": "analyst"}),
        ("step_done", "admin", {"step": "qos"}),
    ):
        store.incidents.add_event(IncidentEvent(inc.id, kind, NOW, who, details))
    return inc.id


def _inbox_item(store: Store, com: int) -> int:
    store.engage.add_items(
        [InboxItem(com, "x:1", "x", "complaint", NOW, NOW, author="alice", text="Panne à Lyon",
                   why=[["complaint", ""], ["followers", 4000]])]
    )  # fmt: skip
    item = store.engage.find_item(com, "x:1")
    assert item is not None and item.id is not None
    return item.id


def _report(world: World) -> int:
    """A digest built by the real builder (HTML only: the PDF is the print HTML's),
    archived as the Reports page lists it."""
    ws = world.store.workspaces.get_workspace("com")
    assert ws is not None
    built = build(world.store, ws, "digest", NOW - timedelta(days=1), NOW, pdf=False)
    report, _new = world.store.reports.claim_report(built.record(ws, status="built"))
    assert report.id is not None
    return report.id


# GET routes that are not pages a person reads, and why; every other route is visited
# (a new page is covered as soon as it is routed, or this test names what it lacks).
NOT_PAGES = {
    "/openapi.json": "the API's machine description (JSON)",
    "/healthz": "a probe for load balancers (JSON)",
    "/vendor/maps/france-departements.svg": "a map drawing named by département codes",
    "/w/{slug}/legal/{case_id}/captures/{capture_id}": "a captured file, byte for byte",
    "/w/{slug}/reports/{report_id}.pdf": "the PDF of the print HTML: "
    "tests/reports/test_french_reports.py reads the print HTML of every report kind",
}
# The JSON API (its display_message: test_an_error_shown_on_a_page_reads_french).
NOT_PAGE_PREFIXES = ("/api/",)
# Pages that need a query to show anything.
QUERIES = {"/w/{slug}/warroom": "story={story_id}"}
# Who reads which page beyond the admin (root for what admins do not see).
OTHER_READERS = {
    "juriste": ["/w/com/legal", "/w/com/legal/1", "/audit"],
    "viewer": ["/w/com", "/w/com/alerts"],
}


def page_routes(app: Any) -> list[str]:
    """The path of every GET route of the app (included routers walked), but the
    JSON API's and NOT_PAGES."""
    found: list[str] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)  # FastAPI's included router
            if inner is not None:
                sub = getattr(route.include_context, "prefix", "") or ""
                walk(inner.routes, prefix + sub)
            elif "GET" in (getattr(route, "methods", None) or ()):
                found.append(prefix + route.path)

    walk(list(app.routes), "")
    return sorted(
        path
        for path in dict.fromkeys(found)
        if path not in NOT_PAGES and not path.startswith(NOT_PAGE_PREFIXES)
    )


def _concrete(route: str, ids: dict[str, int]) -> str:
    values = {"slug": "com", "mention_id": "x:1", "case_id": "1", "wall": "main",
              **{k: str(v) for k, v in ids.items()}}  # fmt: skip

    def fill(m: re.Match[str]) -> str:
        assert m[1] in values, f"{route}: give the test a {m[1]} (or list it in NOT_PAGES)"
        return values[m[1]]

    path = re.sub(r"\{(\w+)(?::\w+)?\}", fill, route)
    query = QUERIES.get(route)
    return path + "?" + re.sub(r"\{(\w+)\}", fill, query) if query else path


def _problems(client: TestClient, path: str, status: int = 200) -> list[str]:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    assert "text/html" in r.headers["content-type"], (path, r.headers["content-type"])
    nodes = visible_text(r.text)
    return [f"{path}: {p}" for p in english_in(nodes, ALLOWED, fragments=True)]


def _open_case(client: TestClient) -> None:
    sent = client.post(
        "/w/com/legal/send",
        data={CSRF_FIELD: _csrf(client), "kind": "mention", "item_id": "x:1",
              "reason": "insult", "title": "Injure"},
    )  # fmt: skip
    assert sent.status_code == 303, sent.text


def test_every_page_of_a_french_workspace_is_french(world: World) -> None:
    """Every GET route of the app that is a page (enumerated, not listed by hand), as the
    admin (root for the hub's own pages), plus the roles that see some of them, the
    login page and the error page."""
    _french(world)
    ids = _data(world)
    _open_case(login(world.client(lang="fr"), "analyst"))
    readers = {who: login(world.client(lang="fr"), who) for who in ("admin", "root")}
    routes = page_routes(world.app())
    assert "/w/{slug}/incidents/{incident_id}" in routes and "/login" in routes
    problems: list[str] = []
    for route in routes:
        path = _concrete(route, ids)
        if route == "/login":
            problems += _problems(world.client(lang="fr"), path)
            continue
        answer = readers["admin"].get(path, headers={"Accept": "text/html"})
        who = "root" if answer.status_code == 403 else "admin"  # /users, /quarantine
        problems += _problems(readers[who], path)
    for who, paths in OTHER_READERS.items():
        client = login(world.client(lang="fr"), who)
        problems += [p for path in paths for p in _problems(client, path)]
    problems += _problems(readers["admin"], "/w/com/nope", 404)
    incident = readers["admin"].get(f"/w/com/incidents/{ids['incident_id']}").text
    assert "note : Appelé la QoS &lt;script&gt;" in incident  # translated, still escaped
    dashboard = readers["admin"].get("/w/com").text
    assert '<html lang="fr">' in dashboard and "Tableau de bord" in dashboard
    assert problems == [], "\n".join(problems)


def test_the_route_list_finds_a_new_page(world: World) -> None:
    """A page routed tomorrow is in the list (and needs its ids) without editing it."""
    app = world.app()

    @app.get("/w/{slug}/tomorrow/{thing_id}", include_in_schema=False)
    def tomorrow(slug: str, thing_id: int) -> str:
        return ""

    assert "/w/{slug}/tomorrow/{thing_id}" in page_routes(app)
    with pytest.raises(AssertionError, match="give the test a thing_id"):
        _concrete("/w/{slug}/tomorrow/{thing_id}", {})
    assert not any(r.startswith("/api/") for r in page_routes(app))


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
    story = _data(world)["story_id"]  # the shared world's workspaces are English
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
    # the war room's timeline names its alerts in the reader's language too
    ids = {a["detector"]: a["id"] for a in items}
    room = admin.get(f"/api/workspaces/com/warroom?alert={ids['complaints']}").json()
    [event] = [e for e in room["events"] if e["kind"] == "alert"]
    assert event["title"] == shown["complaints"]


# Where an alert came from (alerts/provenance.py): first posts, amplifiers, coordination.
PROVENANCE = {
    "first_posts": [
        {"id": "x:1", "created_at": "2025-03-04T08:00:00+00:00", "author": "a", "followers": 40,
         "kind": "post", "url": "https://x.example/a/1", "text": "Panne à Lyon"},
    ],
    "amplifiers": [
        {"author": "b", "author_id": "u-b", "followers": 3800, "posts": 4,
         "reposts_received": 12, "first_post": "x:1"},
    ],
    "coordination": [
        {"kind": "link", "value": "https://lien.example", "accounts": ["c", "d", "e"],
         "mention_ids": ["x:2", "x:3", "x:4"], "span_seconds": 40.0},
        {"kind": "text", "value": "boycott fictel", "accounts": ["f", "g"],
         "mention_ids": ["x:5", "x:6"], "span_seconds": 12.0},
    ],
}  # fmt: skip


def _alerts(store: Store, workspace_id: int) -> list[Alert]:
    manager = AlertManager(store)
    out = []
    for i, (detector, title) in enumerate(TITLES.items()):
        sig = signal(i, severity=9, key=f"e:{i}", detector=detector, workspace_id=workspace_id)
        done = manager.process(dataclasses.replace(sig, title=title))
        assert done.alert is not None
        # every section of the email has something to say
        out.append(dataclasses.replace(done.alert, provenance=PROVENANCE))
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
            problems += english_in(lines, fragments=True)
            problems += english_in(visible_text(html), fragments=True)
            assert '<html lang="fr">' in html
    assert problems == [], "\n".join(problems)
    with use_locale("fr", "Europe/Paris"):
        text = render.as_text(_alerts(sqlite_store, ws.id or 0)[0])
    assert "Gravité : 9/10 (crise)" in text
    assert f"{T0:%H}:00" not in text  # shown in Paris time, 24-hour clock
    assert "09:00" in text
    # a first post's time too (not its stored ISO UTC), and the hints' kinds in French
    assert "- 04/03/2025 09:00 @a: Panne à Lyon" in text, text
    assert "2025-03-04T08" not in text
    assert "- lien https://lien.example" in text and "- texte boycott fictel" in text


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
    assert english_in(nodes, fragments=True) == []


def test_the_fragment_net_finds_a_value_shown_as_stored() -> None:
    """What the incident page showed before: an alert's state as stored, inside a line."""
    node = "— importance 18; open; pic 0 h après la première publication"
    assert english_in([node]) == []  # one English word: the other nets miss it
    assert english_in([node], fragments=True) == [f"untranslated msgid 'open' in {node!r}"]
    assert english_in(["@a (journalist), @b (parlementaire)"], fragments=True) != []


Login = Callable[[str], TestClient]
