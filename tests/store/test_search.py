"""search() and count() through the query language, on both back ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.models import Author, Mention, Watchlist, WatchlistMember
from socialhub.query import parse
from socialhub.store.base import Store

from .helpers import T0, mention, qid, workspace_with_queries

TEXTS = {
    1: "Panne chez Acme Énergie ce matin à Lyon",
    2: "Acme lance une offre promo #AcmeFail",
    3: "Rien à voir avec la marque",
    4: "@AcmeSupport ma facture est fausse, acme répond pas",
    5: "Zenitel et Acme: la panne continue",
    6: "acme énergie, encore",
}


@pytest.fixture
def loaded(store: Store) -> tuple[Store, int, int]:
    ws_a, (qa,) = workspace_with_queries(store, "a", "brand")
    ws_b, (qb,) = workspace_with_queries(store, "b", "rival")
    assert ws_a.id is not None and ws_b.id is not None
    routes = {1: [qa], 2: [qa], 3: [qb], 4: [qa], 5: [qa, qb], 6: [qb]}
    store.mentions.add(
        [
            mention(
                n,
                text=text,
                query_ids=[qid(q) for q in routes[n]],
                author=Author("x", f"u{n}", handle=f"@user{n}"),
                lang="en" if n == 6 else "fr",
            )
            for n, text in TEXTS.items()
        ]
    )
    return store, ws_a.id, ws_b.id


def ids(mentions: list[Mention]) -> list[int]:
    return [int(m.native_id) for m in mentions]


def test_search_newest_first_accent_insensitive(loaded: tuple[Store, int, int]) -> None:
    store, _, _ = loaded
    assert ids(store.mentions.search("acme")) == [6, 5, 4, 2, 1]
    assert ids(store.mentions.search('"acme energie"')) == [6, 1]
    assert ids(store.mentions.search("#acmefail")) == [2]
    assert ids(store.mentions.search("acme AND NOT panne")) == [6, 4, 2]
    assert ids(store.mentions.search(parse("panne OR facture"))) == [5, 4, 1]  # a parsed Node
    assert ids(store.mentions.search("acme AND lang:en")) == [6]
    assert store.mentions.count("acme") == 5
    assert store.mentions.count("nothingmatches") == 0
    assert ids(store.mentions.search(None)) == [6, 5, 4, 3, 2, 1]


def test_search_workspace_isolation(loaded: tuple[Store, int, int]) -> None:
    store, ws_a, ws_b = loaded
    assert ids(store.mentions.search("acme", workspace_id=ws_a)) == [5, 4, 2, 1]
    assert ids(store.mentions.search("acme", workspace_id=ws_b)) == [6, 5]
    assert store.mentions.count("acme", workspace_id=ws_a) == 4
    assert store.mentions.count("acme", workspace_id=ws_b) == 2
    assert store.mentions.count("marque", workspace_id=ws_a) == 0  # mention 3 is only in b
    assert store.mentions.count(None, workspace_id=ws_a) == 4


def test_search_since_until_limit_offset(loaded: tuple[Store, int, int]) -> None:
    store, ws_a, _ = loaded
    since, until = T0 + timedelta(minutes=2), T0 + timedelta(minutes=5)
    # since inclusive, until exclusive
    assert ids(store.mentions.search("acme", since=since, until=until)) == [4, 2]
    assert store.mentions.count("acme", since=since, until=until) == 2
    assert store.mentions.count(since=since, until=until) == 3
    assert ids(store.mentions.search("acme", limit=2)) == [6, 5]
    assert ids(store.mentions.search("acme", limit=2, offset=2)) == [4, 2]
    assert ids(store.mentions.search("acme", workspace_id=ws_a, limit=1, offset=3)) == [1]
    assert store.mentions.search("acme", offset=10) == []


def test_search_returns_full_mentions(loaded: tuple[Store, int, int]) -> None:
    store, _, _ = loaded
    (hit,) = store.mentions.search("zenitel")
    assert hit == store.mentions.get_mention("x:5")
    assert hit.author is not None and hit.author.handle == "@user5"
    assert len(hit.query_ids) == 2


def test_search_near_and_list_fields(loaded: tuple[Store, int, int]) -> None:
    store, ws_a, ws_b = loaded
    # NEAR/nf is ordered: SQLite checks it with the registered socialhub_near()
    assert ids(store.mentions.search("acme NEAR/2f energie")) == [6, 1]
    assert ids(store.mentions.search("energie NEAR/2f acme")) == []
    store.workspaces.upsert_watchlist(
        Watchlist(ws_a, "Clients", members=[WatchlistMember("x", "@User4")])
    )
    assert ids(store.mentions.search("list:clients")) == [4]
    assert ids(store.mentions.search("list:clients", workspace_id=ws_a)) == [4]
    assert ids(store.mentions.search("list:clients", workspace_id=ws_b)) == []


def test_hostile_query_text_is_a_parameter(loaded: tuple[Store, int, int]) -> None:
    store, _, _ = loaded
    for hostile in ['"\'; DROP TABLE mentions; --"', '"%s %(x)s ?"', '"l\'élysée"']:
        assert store.mentions.count(hostile) == 0
    assert store.mentions.count() == 6


def test_100_kb_text_is_searchable(store: Store) -> None:
    big = "Acme " + "électricité panne " * 6000  # ~110 KB, 12,001 tokens
    store.mentions.add([mention(1, text=big)])
    assert store.mentions.count("acme") == 1
    assert store.mentions.count("electricite AND panne") == 1


def test_nul_text_indexed_as_stored(store: Store) -> None:
    store.mentions.add([mention(1, text="ac\x00me")])
    assert store.mentions.count("acme") == 1  # NUL removed before indexing, like the stored text
    assert store.mentions.count("ac") == 0


@pytest.mark.parametrize("probe", [20, 200])
def test_both_search_plans_agree(store: Store, monkeypatch: pytest.MonkeyPatch, probe: int) -> None:
    """The probe of the newest mentions and the full-text-driven plan give one answer:
    matches only among old mentions force the fallback, recent ones end in the probe."""
    from socialhub.store import reads

    monkeypatch.setattr(reads, "PROBE", probe)
    ws, (q,) = workspace_with_queries(store, "a", "brand")
    # matches: 1-4, multiples of 7 up to 35 and 50: one among the 20 newest
    texts = {
        n: ("acme" if n < 5 or (n % 7 == 0 and n <= 35) or n == 50 else "autre")
        for n in range(1, 61)
    }
    store.mentions.add([mention(n, text=t, query_ids=[qid(q)]) for n, t in texts.items()])
    matching = sorted((n for n, t in texts.items() if t == "acme"), reverse=True)
    for limit, offset in [(1, 0), (2, 0), (2, 3), (5, 8), (20, 0)]:
        want = matching[offset : offset + limit]
        assert ids(store.mentions.search("acme", limit=limit, offset=offset)) == want
        assert (
            ids(store.mentions.search("acme", workspace_id=ws.id, limit=limit, offset=offset))
            == want
        )
    since = T0 + timedelta(minutes=10)
    assert ids(store.mentions.search("acme", since=since, until=T0 + timedelta(minutes=50))) == [
        n for n in matching if 10 <= n < 50
    ]
