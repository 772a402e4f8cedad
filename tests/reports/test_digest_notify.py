"""Issue 14: a listed voice's post joins the digest unless its list's notify is "never"."""

from __future__ import annotations

from socialhub.reports.digest import build_digest
from socialhub.store.base import Store

from .helpers import PERIOD, hours, mention, setup_workspace


def test_never_lists_stay_out_of_the_digest(sqlite_store: Store) -> None:
    w = setup_workspace(sqlite_store)
    assert w.ws.id is not None
    sqlite_store.mentions.add(
        [
            mention(
                "1", "fictel en panne à Lyon", PERIOD[0] + hours(2), "croussel", [w.brand.id or 0]
            )
        ]
    )
    start, end = PERIOD
    # journalists have their own section, grouped by story (the press briefing)
    journalists = build_digest(sqlite_store, w.ws, start, end)["journalists"]
    assert [j["handle"] for j in journalists] == ["croussel"]  # digest (the default)
    [press] = [
        x for x in sqlite_store.workspaces.list_watchlists(w.ws.id) if x.name == "Journalistes"
    ]
    press.notify = "never"
    sqlite_store.workspaces.upsert_watchlist(press)
    assert build_digest(sqlite_store, w.ws, start, end)["journalists"] == []
