"""A store filled with one person's traces in every kind of table, and the checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from socialhub.models import (
    Author,
    Mention,
    QuarantineItem,
    Query,
    Watchlist,
    WatchlistMember,
    Workspace,
)
from socialhub.records.alerts import Alert, Notification
from socialhub.records.relevance import RelevanceLabel
from socialhub.records.reports import Report
from socialhub.store.base import Store
from socialhub.store.legal import Case, CaseItem, LegalRepo

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
NAME = "Corinne Vasseur"
HANDLE = "CorinneV"
TEXTS = [
    "Le zorglubesque directeur d'Acme ment sur les pannes depuis des mois",
    "Acme Énergie triche encore, zorglubesque affaire de compteurs",
    "Je redis que les dirigeants d'Acme sont des escrocs notoires",
    "Sur Bluesky aussi: Acme coupe le courant sans prévenir personne",
]
HELD_TEXT = "Le PDG d'Acme est un voleur et je le prouverai devant tous"
OTHER_TEXT = "Panne Acme résolue à Lyon, merci aux techniciens du quartier"


@dataclass
class Filled:
    workspace_id: int
    query_id: int
    erased_ids: list[str]
    held_id: str
    held_case: int
    other_id: str
    alert_id: int
    report_id: int
    old_pdf: bytes


def _author(platform: str, native: str, handle: str = HANDLE, name: str = NAME) -> Author:
    return Author(
        platform,
        native,
        handle=f"@{handle}",
        name=name,
        followers=340,
        description=f"{name}, militante",
        location="Rennes",
    )


def _m(platform: str, n: int, text: str, author: Author, q: int, **kw: Any) -> Mention:
    return Mention(
        platform=platform,
        native_id=str(n),
        text=text,
        created_at=T0 + timedelta(minutes=n),
        url=f"https://{platform}.example/{author.handle.lstrip('@')}/status/{n}",
        author=author,
        raw={"id": n, "user": {"screen_name": author.handle, "name": author.name}, "text": text},
        query_ids=[q],
        **kw,
    )


def fill(store: Store, pdf: bytes) -> Filled:
    ws = store.workspaces.upsert_workspace(Workspace(slug="acme", name="Acme"))
    assert ws.id is not None
    q = store.workspaces.upsert_query(Query(ws.id, "marque", "acme"))
    assert q.id is not None
    x, bsky = _author("x", "u1"), _author("bluesky", "did:plc:cv")
    paul = _author("x", "u9", handle="paul_l", name="Paul Lemaire")
    mentions = [
        _m("x", 1, TEXTS[0], x, q.id, sentiment_label="negative"),
        _m("x", 2, TEXTS[1], x, q.id),
        _m("x", 3, TEXTS[2], x, q.id, lang="fr"),
        _m("bluesky", 4, TEXTS[3], bsky, q.id),
        _m("x", 5, HELD_TEXT, x, q.id),
        _m("x", 6, OTHER_TEXT, paul, q.id),
    ]
    store.mentions.add(mentions)
    store.relevance.add_labels([RelevanceLabel(q.id, "x:1", True, "ana")])
    store.workspaces.upsert_watchlist(
        Watchlist(ws.id, "militants", members=[WatchlistMember("", HANDLE, NAME)])
    )
    legal = LegalRepo(store)
    held = legal.add_case(Case(ws.id, "Propos diffamatoires", "defamation", created_by="ana"))
    closed = legal.add_case(Case(ws.id, "Ancienne affaire", "insult", created_by="ana"))
    assert held.id is not None and closed.id is not None
    legal.add_item(CaseItem(held.id, "mention", "x:5", T0, record={"text": HELD_TEXT}))
    legal.add_item(
        CaseItem(
            closed.id,
            "mention",
            "x:3",
            T0,
            record={"text": TEXTS[2], "author": f"@{HANDLE}"},
            raw=f'{{"screen_name": "@{HANDLE}"}}',
        )
    )
    closed.status = "closed"
    legal.update_case(closed)
    alert = store.alerts.save_alert(
        Alert(
            rule="r1",
            detector="burst",
            version="1",
            key="k",
            title=f"Pic autour de @{HANDLE}",
            severity=5,
            first_t=T0,
            last_t=T0,
            observed=9,
            baseline=1,
            threshold=3,
            score=2,
            workspace_id=ws.id,
            evidence=["x:1", "x:2", "x:6"],
            provenance={"first_posts": [{"author": f"@{HANDLE}", "name": NAME, "text": TEXTS[0]}]},
        )
    )
    assert alert.id is not None
    store.alerts.add_notification(Notification(alert.id, f"Alerte: {NAME}", TEXTS[1], 5, ws.id))
    store.sources.quarantine(
        [QuarantineItem("x", "bad date", f'{{"screen_name": "{HANDLE}", "t": "x"}}')]
    )
    report, _ = store.reports.claim_report(
        Report(ws.id, "digest", T0, T0 + timedelta(days=1), "Digest")
    )
    report.html = (
        f"<html><body><p>{NAME} (@{HANDLE}) : {TEXTS[0]}</p><p>{OTHER_TEXT}</p></body></html>"
    )
    report.data = {"top": [{"id": "x:1", "author": f"@{HANDLE}", "text": TEXTS[0]}]}
    report.pdf, report.status = pdf, "built"
    store.reports.update_report(report)
    assert report.id is not None
    return Filled(
        ws.id,
        q.id,
        ["x:1", "x:2", "x:3", "bluesky:4"],
        "x:5",
        held.id,
        "x:6",
        alert.id,
        report.id,
        pdf,
    )


def needles() -> list[str]:
    return [HANDLE, NAME, "x:u1", "bluesky:did:plc:cv", "zorglubesque", *TEXTS]


def rollups_exact(store: Any) -> None:
    """Every rollup count equals the rows it counts (no erased row still counted)."""
    for rollup, rows in (
        ("rollup_queries", "mention_queries"),
        ("rollup_workspaces", "mention_workspaces"),
    ):
        total = store.db._rows(f"SELECT coalesce(sum(n), 0) FROM {rollup}")[0][0]
        count = store.db._rows(f"SELECT count(*) FROM {rows}")[0][0]
        assert int(total) == int(count), rollup
