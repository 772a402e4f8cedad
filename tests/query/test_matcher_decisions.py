"""The matcher's key-only decisions agree with the reference evaluation, query by query."""

from __future__ import annotations

import random

from socialhub.query import Matcher, parse
from socialhub.query.ast import slots
from socialhub.query.evaluate import Facts, evaluate, scan_hits
from socialhub.query.matcher import decision
from socialhub.text import MAX_TOKENS, index_tokens, url_host

WORDS = ["edf", "engie", "panne", "prix", "tarif", "client", "clients", "grève", "job"]
QUERIES = [
    "edf OR #edf",
    "(edf OR #edf) AND (panne OR prix) NOT (job OR grève)",
    "#edf",
    "@engie OR author:engie_fr",
    "tarif* AND lang:fr NOT platform:x",
    '(edf OR "edf engie") NOT lang:en',
    '"edf panne" OR edf OR #edf',
    "(engie OR edf) AND (panne NEAR/2 client*) NOT job",
    "list:vip AND prix",
    "NOT panne",
    "edf AND site:edf.fr",
    "(edf AND prix) OR (engie AND panne)",
    "country:fr OR #panne",
]


def _reference(text: str, facts: Facts, query: str, workspace_id: int) -> bool:
    node = parse(query)
    return evaluate(node, scan_hits(index_tokens(text), slots(node)), facts, workspace_id)


def test_decisions_agree_with_the_evaluation_on_random_mentions() -> None:
    rng = random.Random(7)
    watchlists = {(1, "vip"): {("x", "Engie_FR")}, (2, "vip"): {("", "edf_officiel")}}
    queries = [(i, 1 + i % 2, q) for i, q in enumerate(QUERIES)]
    matcher = Matcher.from_text(queries, watchlists)
    for _ in range(3000):
        words = rng.choices(WORDS, k=rng.randint(1, 8))
        words = [rng.choice(["", "#", "@"]) + w if rng.random() < 0.3 else w for w in words]
        text = " ".join(w.upper() if rng.random() < 0.2 else w for w in words)
        lang, platform = rng.choice(["fr", "en"]), rng.choice(["x", "web"])
        author = rng.choice(["engie_fr", "edf_officiel", "someone", ""])
        url = rng.choice(
            ["https://www.edf.fr/a", "https://agence.edf.fr/b", "https://ex.com/c", ""]
        )
        country = rng.choice(["fr", "be", ""])
        lists = frozenset(
            ws_name
            for ws_name, members in watchlists.items()
            if author and any(h.lower() == author and p in ("", platform) for p, h in members)
        )
        facts = Facts(lang, platform, author, url, country, lists)
        got = matcher.match_text(
            text, lang=lang, platform=platform, author=author, url=url, country=country
        )
        want = [qid for qid, ws, q in queries if _reference(text, facts, q, ws)]
        assert got == want, (text, lang, platform, author, url_host(url), country)


def test_most_queries_are_decided_by_keys() -> None:
    node = parse("(edf OR #edf) AND (panne OR prix) NOT (job OR grève)")
    found = decision(node, 1)
    assert len(found.need) == 2 and len(found.forbid) == 2 and found.maybe == []
    near = decision(parse("(engie OR edf) AND (panne NEAR/2 client*) NOT job"), 1)
    assert len(near.need) == 1 and len(near.maybe) == 1 and not near.maybe[0][0]
    phrase = decision(parse('(edf OR "edf engie") NOT lang:en'), 1)
    assert phrase.need == [] and len(phrase.maybe[0][0]) == 1  # sure when edf is present


def test_a_hashtag_cut_off_by_the_token_limit_is_evaluated() -> None:
    # "#edf" is the phrase "#edf edf": when the limit keeps "#edf" but not "edf", the
    # key alone would say yes; the matcher then evaluates instead.
    text = " ".join(["x"] * (MAX_TOKENS - 1)) + " #edf"
    tokens = index_tokens(text)
    assert tokens[-1] == "#edf" and len(tokens) == MAX_TOKENS
    matcher = Matcher.from_text([(1, 1, "#edf")])
    assert matcher.match_text(text) == []
    assert matcher.match_text("#edf") == [1]
