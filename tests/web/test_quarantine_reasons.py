"""/api/quarantine gives each reason in the reader's language (``display_reason``) next to
the English as stored; a row stored before reason codes is shown as stored."""

from __future__ import annotations

from socialhub.models import QuarantineItem
from socialhub.records.quarantine import Reason

from .helpers import World, login


def _items(world: World, lang: str) -> dict[str, dict[str, str]]:
    with world.client(lang=lang) as client:
        body = login(client, "root").get("/api/quarantine").json()
    return {i["source"]: i for i in body["items"]}


def test_reasons_are_shown_in_the_readers_language(world: World) -> None:
    world.store.sources.quarantine(
        [
            QuarantineItem(
                "import:csv:a.csv", Reason("missing_field", field="created_at"), "a;", "line 2"
            ),
            QuarantineItem("import:jsonl:old.jsonl", "missing field 'text'", "{}"),  # no code
        ]
    )
    fr = _items(world, "fr")
    new, old = fr["import:csv:a.csv"], fr["import:jsonl:old.jsonl"]
    assert new["reason"] == "missing created_at: no value for created_at"  # as stored
    assert new["reason_code"] == "missing_field"
    assert new["display_reason"] == "created_at manquant : aucune valeur pour created_at"
    assert (old["reason_code"], old["display_reason"]) == ("", "missing field 'text'")
    assert (new["location"], new["display_location"]) == ("line 2", "ligne 2")
    en = _items(world, "en")
    assert en["import:csv:a.csv"]["display_reason"] == new["reason"]
    assert en["import:csv:a.csv"]["display_location"] == "line 2"
    # the user's own preference wins over the browser's language
    world.store.accounts.set_user_locale(world.users["root"].id or 0, "fr")
    assert _items(world, "en")["import:csv:a.csv"]["display_reason"] == new["display_reason"]


def test_the_page_script_shows_the_display_reason(world: World) -> None:
    with world.client() as client:
        js = login(client, "root").get("/static/quarantine.js").text
    assert "i.display_reason" in js and "i.display_location" in js
