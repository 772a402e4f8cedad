"""The story engine: how mentions join stories, what a story records, and the simulator's
episodes mapped to stories (a short span, so CI stays fast)."""

from __future__ import annotations

import doctest
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from socialhub.analytics.stories import engine as engine_module
from socialhub.analytics.stories import generic as generic_module
from socialhub.analytics.stories import importance as importance_module
from socialhub.analytics.stories.engine import StoryEngine
from socialhub.analytics.stories.evaluate import bcubed, replay, score_episodes
from socialhub.models import Author, Engagement, Mention

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def m(n: int, text: str, minutes: float = 0, **fields: object) -> Mention:
    values: dict[str, object] = {"query_ids": [1]}
    values.update(fields)
    return Mention("x", str(n), text, T0 + timedelta(minutes=minutes), **values)  # type: ignore[arg-type]


def author(handle: str, followers: int = 100) -> Author:
    return Author("x", handle, handle, handle.title(), followers=followers)


def engine(**params: object) -> StoryEngine:
    lists = {"Journalistes": "journalist", "Comptes officiels": "other"}
    return StoryEngine(workspaces={1: 1, 2: 2}, lists=lists, min_size=2, **params)  # type: ignore[arg-type]


@pytest.mark.parametrize("module", [engine_module, importance_module, generic_module])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_threads_links_and_similar_words_join_one_story() -> None:
    e = engine()
    first = e.update(
        m(1, "Panne géante du réseau Mirabelle à Lyon #MirabelleDown", author=author("a"))
    )
    assert first == ["1:x:1"]
    # a reply routed to no query still joins through its thread; it never starts a story
    assert e.update(m(2, "moi aussi", 1, kind="reply", reply_to="x:1", query_ids=[])) == first
    assert e.update(m(3, "rien à voir", 2, query_ids=[])) == []
    # the same article link (tracking parameters dropped)
    e.update(m(4, "À lire https://journal.example/a/panne?utm_source=x", 3))
    assert e.update(m(5, "Enquête https://www.journal.example/a/panne/", 4)) == ["1:x:4"]
    # similar words in the window
    assert (
        e.update(m(6, "Lyon : panne du réseau Mirabelle, aucune info #MirabelleDown", 5)) == first
    )
    # a different subject starts its own story
    assert e.update(m(7, "Le nouveau forfait Telvia Flex est sorti", 6)) == ["1:x:7"]
    # the same words much later (past the window) start a new story
    late = e.update(m(8, "Panne géante du réseau Mirabelle à Lyon #MirabelleDown", 60 * 30))
    assert late == ["1:x:8"]


def test_one_story_per_workspace_and_a_post_bridging_two_stories_merges_them() -> None:
    e = engine()
    assert e.update(m(1, "Panne Lyon https://journal.example/panne", query_ids=[1, 2])) == [
        "1:x:1",
        "2:x:1",
    ]
    e.update(m(2, "Telvia Flex sort aujourd'hui https://telvia.example/flex", 1))
    e.update(m(3, "bof", 2, kind="reply", reply_to="x:2"))
    # a reply's own link never merges: it stays in its conversation
    assert e.update(m(4, "https://journal.example/panne", 3, kind="reply", reply_to="x:2")) == [
        "1:x:2"
    ]
    # a root post sharing both links makes one story of the two (the larger survives)
    keys = e.update(m(5, "https://journal.example/panne et https://telvia.example/flex", 4))
    assert keys == ["1:x:2"]
    records, members, merges = e.drain()
    survivor = {r.key: r for r in records}["1:x:2"]
    assert survivor.size == 5 and survivor.first_mention_id == "x:1"
    assert sorted(mid for ws, key, mid in members if key == survivor.key) == [
        "x:1",
        "x:2",
        "x:3",
        "x:4",
        "x:5",
    ]
    assert merges == []  # the smaller story had never been written: nothing to move


def test_the_record_says_who_talks_where_and_whether_we_answered() -> None:
    e = engine()
    journalist = Author("x", "cam", "camroussel", "Camille Roussel", followers=20_000)
    brand = Author("x", "sav", "MirabelleSAV", "Mirabelle SAV", followers=50_000)
    lyon = {"name": "Lyon", "kind": "city", "country": "fr", "admin1": "Auvergne-Rhône-Alpes",
            "source": "text"}  # fmt: skip
    e.update(m(1, "Panne à Lyon #MirabelleDown", author=author("a", 10), places=[lyon],
               sentiment_label="negative", lang="fr",
               engagement=Engagement(reposts=5)))  # fmt: skip
    e.update(m(2, "Panne à Lyon : les clients sans réseau", 5, kind="article",
               author=journalist, watchlists=["Journalistes"], lang="fr",
               url="https://journal.example/lyon"))  # fmt: skip
    e.update(m(3, "Nous sommes sur le coup", 9, kind="reply", reply_to="x:1", author=brand,
               watchlists=["Comptes officiels"], sentiment_label="neutral"))  # fmt: skip
    (rec,), members, _ = e.drain()
    assert rec.headline == "Panne à Lyon : les clients sans réseau"  # an article's title wins
    assert rec.first_mention_id == "x:1" and rec.first_author == "x:a"
    assert rec.size == 3 and rec.authors == 3 and rec.reach == 70_010
    assert [v["handle"] for v in rec.voices] == ["camroussel"]
    assert rec.responses["answered"] is True
    assert rec.responses["accounts"] == ["x:MirabelleSAV"]
    assert rec.responses["first_at"] == (T0 + timedelta(minutes=9)).isoformat()
    assert rec.places == [{"name": "Lyon", "region": "Auvergne-Rhône-Alpes", "country": "fr",
                           "count": 1}]  # fmt: skip
    assert rec.sentiment == {"negative": 1, "neutral": 1}
    assert rec.platforms == {"x": 3}
    assert {p["component"] for p in rec.explanation} == {
        "who", "reach", "velocity", "negativity", "crisis", "novelty"
    }  # fmt: skip
    assert rec.importance == pytest.approx(sum(p["points"] for p in rec.explanation), abs=0.05)
    assert len(members) == 3
    # nothing changed: nothing to write
    assert e.drain() == ([], [], [])


def test_state_pickles_and_resumes() -> None:
    e = engine()
    e.update(m(1, "Panne géante du réseau Mirabelle à Lyon #MirabelleDown"))
    again = pickle.loads(pickle.dumps(e))
    assert again.update(m(2, "toujours pas", 1, kind="reply", reply_to="x:1")) == ["1:x:1"]


def test_bcubed_counts_split_and_merged_clusters() -> None:
    truth = {"a": "e1", "b": "e1", "c": "e2", "d": "e2"}
    assert bcubed({"a": "s", "b": "s", "c": "t", "d": "t"}, truth) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed({"a": "s", "b": "s", "c": "s", "d": "s"}, truth)
    assert (p, r) == (0.5, 1.0)
    p, r, _ = bcubed({}, truth)  # everything alone
    assert (p, r) == (1.0, 0.5)


@pytest.mark.slow
def test_simulator_episodes_map_to_stories() -> None:
    """The first two scripted episodes (launch at 2 h, journalist's article at 4.5 h) of
    9 simulated hours: each one story (B-cubed F1 ≥ 0.85) among the day's top 5."""
    from socialhub.cli.detect_cmd import Router
    from socialhub.demo import Simulator

    routes = Router(ROOT / "examples" / "telecom.toml")
    sim = Simulator(seed=42, rate_per_minute=4)
    mentions = list(sim.until(sim.start + timedelta(hours=9)))
    for mention in mentions:
        routes.route(mention)
    e = StoryEngine(workspaces=routes.workspaces, lists=routes.list_types)
    result = replay(e, mentions)
    truth = sim.ground_truth()
    truth["episodes"] = [ep for ep in truth["episodes"] if ep["mention_ids"]]
    assert {ep["name"] for ep in truth["episodes"]} == {"lancement-telvia", "article-journaliste"}
    names = {int(k.split(":")[1]): v for k, v in routes.labels.items() if k.startswith("query:")}
    score = score_episodes(result, truth, {n: routes.workspaces[q] for q, n in names.items()})
    assert score["bcubed"]["f1"] >= 0.85, score
    assert score["all_in_top"], score["episodes"]


def test_a_statement_answered_with_the_crisis_tag_joins_the_crisis() -> None:
    """The brand's statement shares no words with the complaints; its replies keep
    saying "#MirabelleDown": at the next consolidation it joins the outage story."""
    e = engine(tag_warmup=0, consolidate_every=600)
    for i in range(12):
        e.update(m(i, f"Panne réseau à Lyon depuis ce matin #MirabelleDown {i}", i,
                   author=author(f"c{i}")))  # fmt: skip
    (outage,) = e.update(m(50, "Toujours pas de réseau à Lyon #MirabelleDown", 13))
    (statement,) = e.update(m(100, "Nous sommes désolés pour la gêne occasionnée.", 14,
                              author=author("mirabelle")))  # fmt: skip
    assert statement != outage
    for i in range(8):
        tag = " #MirabelleDown" if i % 2 == 0 else ""
        e.update(m(200 + i, f"toujours rien{tag}", 15 + i, kind="reply", reply_to="x:100",
                   query_ids=[]))  # fmt: skip
    assert e.update(m(300, "#MirabelleDown encore", 30, kind="reply", reply_to="x:100",
                      query_ids=[])) == [statement]  # fmt: skip
    # ten minutes of stream later the consolidation pass runs
    e.update(m(400, "Panne réseau Lyon #MirabelleDown", 45, author=author("late")))
    assert e.update(m(401, "merci", 46, kind="reply", reply_to="x:100", query_ids=[])) == [outage]


def test_the_organisations_official_accounts_answer_without_a_watchlist() -> None:
    """Accounts declared once for the organisation ([[official_account]]) are the
    story's answers, on no watchlist; the old "official" watchlist still counts."""
    e = engine()
    e.accounts = frozenset({"mirabellesav"})
    e.update(m(1, "Panne géante du réseau Mirabelle à Lyon #MirabelleDown", author=author("a")))
    e.update(m(2, "Nous rétablissons le service à Lyon", 1, kind="reply", reply_to="x:1",
               author=author("MirabelleSAV")))  # fmt: skip
    e.update(m(3, "Point d'étape sur la panne", 2, kind="reply", reply_to="x:1",
               author=author("MirabelleTel"), watchlists=["Comptes officiels"]))  # fmt: skip
    [story] = e.stories.values()
    assert [r["account"] for r in story.responses] == ["x:MirabelleSAV", "x:MirabelleTel"]


def _chatter_and_scoop() -> list[Mention]:
    """Chatter about a rival tagged with the brand's name, then a scoop whose replies
    use the same tag (the shape of issue 15's catch-all)."""
    out = [m(i, f"Ils condamnent Nexo à rembourser les frais #Mirabelle {i}", i,
             author=author(f"c{i}")) for i in range(12)]  # fmt: skip
    out.append(m(50, "Nexo condamné, les frais remboursés #Mirabelle", 13))
    out.append(m(100, "Mirabelle Télécom s'apprête à fermer une boutique sur cinq", 14,
                 author=author("cam")))  # fmt: skip
    for i in range(8):
        out.append(m(200 + i, "fermetures #Mirabelle", 15 + i, kind="reply", reply_to="x:100",
                     query_ids=[]))  # fmt: skip
    out.append(m(400, "Nexo remboursera les frais #Mirabelle", 45, author=author("late")))
    out.append(m(401, "ah", 46, kind="reply", reply_to="x:100", query_ids=[]))
    return out


def test_the_brands_own_hashtag_joins_no_story() -> None:
    """Issue 15: a tag spelling the workspace's name (``#Mirabelle``) is in posts of
    every story; it neither leads a post to a story nor joins two stories, while the
    outage's own tag still does (the test above)."""
    words = {1: frozenset({"mirabelle"})}
    e = engine(tag_warmup=0, consolidate_every=600, generic=words)
    keys = [e.update(x) for x in _chatter_and_scoop()]
    chatter, scoop = keys[12][0], keys[13][0]
    assert scoop != chatter and (1, "#mirabelle") not in e.tag_story
    assert keys[-1] == [scoop]  # after the consolidation pass at 45 min: still apart
    # without the generic words the same stream makes one catch-all story (the defect)
    before = engine(tag_warmup=0, consolidate_every=600)
    keys = [before.update(x) for x in _chatter_and_scoop()]
    assert (1, "#mirabelle") in before.tag_story
    assert keys[-1] == [before._live(keys[12][0])]


def test_a_tag_that_becomes_generic_stops_leading_to_its_story() -> None:
    e = engine(tag_warmup=0)
    for i in range(4):
        e.update(m(i, f"Nexo condamné à rembourser #Mirabelle {i}", i))
    assert (1, "#mirabelle") in e.tag_story
    e.generic = {1: frozenset({"mirabelle"})}  # the service's refresh
    assert (1, "#mirabelle") not in e.tag_story
    assert pickle.loads(pickle.dumps(e)).generic == {1: frozenset({"mirabelle"})}
