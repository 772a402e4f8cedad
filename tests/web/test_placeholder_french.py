"""The search box's example on the dashboard and Explore pages: "p. ex. …" on a French
page (it read "e.g. (#westexplosion OR …" among French labels)."""

from __future__ import annotations

from types import SimpleNamespace

from socialhub.i18n import use_locale
from socialhub.models import Query
from socialhub.web.pages import example_query


def _store(*queries: Query) -> SimpleNamespace:
    return SimpleNamespace(workspaces=SimpleNamespace(list_queries=lambda _ws: list(queries)))


def test_example_query_reads_french_on_a_french_page() -> None:
    store = _store(Query(1, "Explosion West", '#westexplosion OR "west explosion"'))
    with use_locale("fr"):
        assert example_query(store, 1) == 'p. ex. #westexplosion OR "west explosion"'
        assert example_query(_store(), 1).startswith("p. ex. brand AND")
    with use_locale("en"):
        assert example_query(store, 1) == 'e.g. #westexplosion OR "west explosion"'
