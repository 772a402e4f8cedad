"""The admin's sources table shows a source's last dead letter in the reader's language
(``summary.display_last_error``): the user's preference, else the workspace's; the
health's ``last_error`` stays the English as recorded, and health recorded before reason
codes is shown as recorded."""

from __future__ import annotations

import dataclasses
from typing import Any

from socialhub.connectors.health import SourceHealth
from socialhub.records.quarantine import Reason
from socialhub.settings import SourceSettings

from .helpers import World, login

T = "2026-03-02T11:00:00+00:00"


def _summaries(world: World) -> dict[str, dict[str, Any]]:
    with world.client() as client:  # an English browser
        c = login(client, "admin")
        c.app.state.sources = [  # type: ignore[attr-defined]
            SourceSettings("rss", "rss.lemonde", {}),
            SourceSettings("mastodon", "masto", {}),
        ]
        items = c.get("/api/workspaces/com/sources").json()["items"]
    return {i["name"]: i["summary"] for i in items}


def _health(world: World) -> None:
    from datetime import UTC, datetime

    h = SourceHealth("rss.lemonde", "rss")
    h.error("DeadLetter", Reason("rss_empty_item"), datetime(2026, 3, 2, 11, tzinfo=UTC))
    world.store.sources.save_source_health("rss.lemonde", h.to_dict())
    old = {"status": "ok", "last_error": "DeadLetter: no date", "last_error_at": T}
    world.store.sources.save_source_health("masto", old)  # recorded before codes


def test_the_last_dead_letter_follows_the_reader(world: World) -> None:
    _health(world)
    en = _summaries(world)
    english = "DeadLetter: item has no text, link, enclosure or media (empty-text policy)"
    assert en["rss.lemonde"]["last_error"] == english
    assert en["rss.lemonde"]["display_last_error"] == (
        "dead letter: item has no text, link, enclosure or media (empty-text policy)"
    )
    assert en["masto"]["display_last_error"] == "DeadLetter: no date"  # as recorded
    # the workspace is French and the user has no preference: French
    ws = world.ws["com"]
    world.ws["com"] = world.store.workspaces.upsert_workspace(dataclasses.replace(ws, locale="fr"))
    fr = _summaries(world)
    assert fr["rss.lemonde"]["last_error"] == english  # the English stays as recorded
    assert fr["rss.lemonde"]["display_last_error"] == (
        "rejet : l'élément n'a ni texte, ni lien, ni pièce jointe, ni média (règle du texte vide)"
    )
    assert fr["masto"]["display_last_error"] == "DeadLetter: no date"
    # the user's own preference wins over the workspace's
    world.store.accounts.set_user_locale(world.users["admin"].id or 0, "en")
    assert _summaries(world)["rss.lemonde"]["display_last_error"].startswith("dead letter: ")


def test_the_sources_table_shows_the_display_error(world: World) -> None:
    with world.client() as client:
        js = login(client, "admin").get("/static/admin_settings.js").text
    assert "h.display_last_error || h.last_error" in js
