"""Streaming matcher: hit positions, routing many queries, always-evaluated queries."""

from __future__ import annotations

import pytest

from socialhub.query import Matcher, Prefix, QuerySyntaxError, Term, parse
from socialhub.query.evaluate import Facts, evaluate, scan_hits
from socialhub.query.routing import plan
from socialhub.text import index_tokens

from .helpers import make_mention


def test_hits_map_to_token_positions() -> None:
    matcher = Matcher.from_text([(1, 1, "edf OR edf* OR e* OR #edf OR panne")])
    tokens = index_tokens("EDF #edf edfs panne edf")
    # tokens: edf #edf edf edfs panne edf
    assert matcher.hits(tokens) == {
        Term("edf"): [0, 2, 5],
        Prefix("edf"): [0, 2, 3, 5],
        Prefix("e"): [0, 2, 3, 5],
        Term("#edf"): [1],
        Term("panne"): [4],
    }


def test_hits_equal_a_plain_scan() -> None:
    text = "cafe café cafés #café c @cafe cafe-cafe caféine"
    query = "cafe OR caf* OR #caf* OR c* OR @cafe OR cafe-cafe OR caf"
    matcher = Matcher.from_text([(1, 1, query)])
    tokens = index_tokens(text)
    node = parse(query)
    from socialhub.query.ast import slots

    assert matcher.hits(tokens) == scan_hits(tokens, slots(node))


def test_routes_to_every_matching_query_sorted() -> None:
    matcher = Matcher.from_text(
        [
            (30, 1, "edf AND panne"),
            (10, 1, '"électricité de france" OR edf'),
            (20, 2, "edf NOT panne"),
            (40, 2, "sncf"),
            (50, 1, "lang:fr AND edf"),
        ]
    )
    assert matcher.match_text("Grosse panne EDF", lang="fr") == [10, 30, 50]
    assert matcher.match_text("EDF va bien", lang="en") == [10, 20]
    assert matcher.match_text("rien à voir") == []


def test_query_needing_no_positive_term_is_always_evaluated() -> None:
    matcher = Matcher.from_text([(1, 1, "NOT edf"), (2, 1, "sncf OR NOT platform:x")])
    assert matcher.match_text("", platform="x") == [1]
    assert matcher.match_text("edf", platform="bluesky") == [2]
    assert matcher.match_text("edf sncf", platform="x") == [2]


def test_negative_term_does_not_trigger() -> None:
    # "job" is in the automaton (for the NOT) but only "edf" may route the query.
    matcher = Matcher.from_text([(1, 1, "edf NOT job")])
    assert plan(parse("edf NOT job"), 1) == (frozenset([Term("edf")]), [])
    assert matcher.match_text("job offer") == []
    assert matcher.match_text("edf job") == []
    assert matcher.match_text("edf news") == [1]


def test_plan_indexes_the_rarest_clause_and_checks_the_others() -> None:
    trigger, rest = plan(parse("le AND electricite"), 1)
    assert trigger == {Term("electricite")} and rest == [{Term("le")}]
    assert plan(parse("lang:fr AND edf"), 1) == ({Term("edf")}, [{("lang", "fr")}])
    assert plan(parse("lang:fr AND author:alice"), 1)[0] == {("author", "alice")}
    assert plan(parse('list:"VIP" AND lang:fr'), 3)[0] == {("list", 3, "vip")}
    trigger, rest = plan(parse('(marque OR "la marque") AND en'), 1)
    assert trigger == {Term("marque")}  # "la marque" needs "marque" too: one key suffices
    assert rest == [{Term("en")}]
    assert plan(parse("edf OR NOT x"), 1) == (frozenset(), [])


def test_required_clauses_filter_candidates() -> None:
    # routed by "edf" (rarer than "panne"); "panne" then gates the evaluation
    matcher = Matcher.from_text([(1, 1, "panne AND (edf OR engie) AND NOT gaz")])
    assert matcher.match_text("edf va bien") == []
    assert matcher.match_text("Engie en panne") == [1]
    assert matcher.match_text("Engie en panne de gaz") == []


def test_field_only_queries_are_routed_by_field() -> None:
    matcher = Matcher.from_text(
        [(1, 1, "site:lemonde.fr"), (2, 1, "author:@Alice"), (3, 1, "country:be")]
    )
    assert matcher.match_text("x", url="https://blog.lemonde.fr/a") == [1]
    assert matcher.match_text("x", url="https://notlemonde.fr/a") == []
    assert matcher.match_text("x", author="ALICE", country="be") == [2, 3]


def test_watchlists_are_scoped_to_the_query_workspace() -> None:
    watchlists = {(1, "vip"): {("x", "alice"), ("", "bob")}, (2, "vip"): {("bluesky", "alice")}}
    matcher = Matcher.from_text([(1, 1, "list:VIP"), (2, 2, "list:vip")], watchlists)
    assert matcher.match_text("x", author="@Alice", platform="x") == [1]
    assert matcher.match_text("x", author="alice", platform="bluesky") == [2]
    assert matcher.match_text("x", author="bob", platform="mastodon") == [1]
    assert matcher.match_text("x", author="", platform="x") == []


def test_match_reads_the_mention_fields() -> None:
    matcher = Matcher.from_text([(1, 1, "edf AND lang:en AND platform:bluesky AND site:ex.org")])
    mention = make_mention(1, "EDF", lang="en", platform="bluesky", url="https://www.ex.org/")
    assert matcher.match(mention) == [1]
    assert matcher.match(make_mention(2, "EDF", lang="en", platform="x")) == []


def test_from_text_reports_bad_queries() -> None:
    with pytest.raises(QuerySyntaxError):
        Matcher.from_text([(1, 1, "edf AND")])


def test_empty_matcher() -> None:
    matcher = Matcher([])
    assert len(matcher) == 0
    assert matcher.match_text("edf") == []


def test_five_thousand_queries_route_exactly() -> None:
    queries = [(i, 1, f'"marque{i}" OR produit{i}x NEAR/2 lancement') for i in range(5000)]
    matcher = Matcher.from_text(queries)
    assert len(matcher) == 5000
    assert matcher.match_text("la marque123 et le Produit77X en lancement") == [77, 123]
    node = parse(queries[77][2])
    tokens = index_tokens("la marque123 et le Produit77X en lancement")
    from socialhub.query.ast import slots

    assert evaluate(node, scan_hits(tokens, slots(node)), Facts(), 1)


def test_routing_adapts_to_the_stream() -> None:
    # The prior thinks "panne" (5 letters) is rarer than "zorbix OR zorbax"; in this
    # stream it is in every mention, so after the re-plan the brands route the query.
    query = "(zorbix OR zorbax) AND panne"
    assert plan(parse(query), 1)[0] == {Term("panne")}
    matcher = Matcher.from_text([(1, 1, query)])
    for _ in range(1000):
        assert matcher.match_text("encore une panne") == []
    candidates = matcher.candidates
    assert candidates == 999  # routed by "panne" (then rejected) until the re-plan
    assert matcher.evaluated == 0
    for _ in range(500):
        assert matcher.match_text("encore une panne") == []
    assert matcher.candidates == candidates  # no longer even a candidate
    assert matcher.match_text("panne Zorbax") == [1]
    assert matcher.seen == 1501


def test_static_routing_when_not_adaptive() -> None:
    matcher = Matcher.from_text([(1, 1, "(zorbix OR zorbax) AND panne")], adaptive=False)
    for _ in range(1500):
        matcher.match_text("encore une panne")
    assert matcher.candidates == 1500
