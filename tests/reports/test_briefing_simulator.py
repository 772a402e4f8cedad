"""The briefing on the simulator's ground truth: every scripted episode of a digest's
period is in its "L'essentiel", the store-closure scoop is item 1 of the edition that
covers it, and the tone for the brand of each episode's story is the scripted one.

The stream (seed 42, 2 mentions a minute, 44 simulated hours: every episode) is routed
with examples/telecom.toml, stored, and grouped into stories by the story engine as the
live service does; digests are then built for the Paris 08:00 / 17:00 editions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from socialhub.analytics.stories.engine import StoryEngine
from socialhub.analytics.stories.evaluate import replay
from socialhub.cli.detect_cmd import Router
from socialhub.config import apply_config, load_config
from socialhub.demo import Simulator
from socialhub.enrichers.sentiment.stage import SentimentStage
from socialhub.pipeline.base import Context
from socialhub.reports.digest import build_digest
from socialhub.store.sqlite import SqliteStore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# the tone for the brand each scripted episode should have
TONES = {
    "lancement-telvia": "neutral",  # a competitor's launch (that fizzles): not about us
    "article-journaliste": "negative",  # store closures, in neutral words
    "campagne-mirabelle": "positive",
    "panne-reseau": "negative",
    "polemique-donnees": "negative",
}


def _build_world(path: Path, rate: float, hours: float) -> dict[str, Any]:
    store = SqliteStore(f"sqlite:///{path}")
    store.migrate()
    apply_config(load_config(ROOT / "examples" / "telecom.toml"), store)
    routes = Router(ROOT / "examples" / "telecom.toml")
    # the router numbers workspaces and queries in configuration order, as the store did
    for key, label in routes.labels.items():
        kind, n = key.split(":")
        if kind == "query":
            q = next(q for ws in store.workspaces.list_workspaces()
                     for q in store.workspaces.list_queries(ws.id) if q.id == int(n))  # fmt: skip
            assert q.name == label
    sim = Simulator(seed=42, rate_per_minute=rate)
    mentions = list(sim.until(sim.start + timedelta(hours=hours)))
    for m in mentions:
        routes.route(m)
    # rated as the demo's pipeline rates them (its fast sentiment path): the key figures'
    # net sentiment has posts to count
    SentimentStage(Context(None, {"sentiment_mode": "fast"})).process(mentions)
    for i in range(0, len(mentions), 2000):
        store.mentions.add(mentions[i : i + 2000])
    # as the live service wires it: the workspaces' generic words (their brand's names)
    engine = StoryEngine(
        workspaces=routes.workspaces, lists=routes.list_types, generic=routes.generic
    )
    result = replay(engine, mentions)
    members = [
        (int(key.split(":", 1)[0]), key, mid)
        for key, mids in result.members.items()
        for mid in mids
    ]
    store.stories.save(list(result.records.values()), members)
    truth = sim.ground_truth()
    story_of = result.story_of()
    episodes = {}
    for ep in truth["episodes"]:
        if not ep["mention_ids"]:
            continue
        ws = routes.workspaces[
            next(int(k.split(":")[1]) for k, v in routes.labels.items()
                 if k.startswith("query:") and v == ep["query"])
        ]  # fmt: skip
        keys = Counter(story_of[m][ws] for m in ep["mention_ids"] if ws in story_of.get(m, {}))
        if not keys:
            continue  # an episode just starting at the end of a short run
        episodes[ep["name"]] = {
            "ws": ws,
            "start": datetime.fromisoformat(ep["start"]),
            "story": keys.most_common(1)[0][0],
            "in_story": keys.most_common(1)[0][1],  # the episode's posts in that story
        }
    return {"store": store, "episodes": episodes, "tmp": path.parent}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    built = _build_world(tmp_path_factory.mktemp("briefing") / "hub.db", 2, 44)
    yield built
    built["store"].close()


def _edition(t: datetime) -> tuple[datetime, datetime]:
    """The Paris 08:00 / 17:00 edition covering ``t`` (winter time: 07:00 / 16:00 UTC)."""
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    slots = [day + timedelta(days=d, hours=h) for d in (-1, 0, 1) for h in (7, 16)]
    start = max(s for s in slots if s <= t)
    return start, min(s for s in slots if s > t)


def _digest(world: dict[str, Any], ws_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    store = world["store"]
    ws = next(w for w in store.workspaces.list_workspaces() if w.id == ws_id)
    return build_digest(store, ws, start, end, {})


def test_every_episode_is_in_the_essentials_of_its_edition(world: dict[str, Any]) -> None:
    assert set(world["episodes"]) == set(TONES)  # every scripted episode, each in a story
    for name, ep in world["episodes"].items():
        start, end = _edition(ep["start"])
        data = _digest(world, ep["ws"], start, end)
        keys = [e["key"] for e in data["essentials"]]
        assert ep["story"] in keys, (name, ep, [e["headline"] for e in data["essentials"]])
        item = data["essentials"][keys.index(ep["story"])]
        assert item["tone"] == TONES[name], (name, item["headline"], item["tone"])
        assert item["suggestion"]["action"]


def test_the_store_closure_scoop_is_item_one_of_its_edition(world: dict[str, Any]) -> None:
    ep = world["episodes"]["article-journaliste"]
    start, end = _edition(ep["start"])
    assert start == datetime(2026, 3, 2, 7, tzinfo=UTC)  # the Monday 08:00 → 17:00 edition
    data = _digest(world, ep["ws"], start, end)
    first = data["essentials"][0]
    assert first["key"] == ep["story"]
    assert "fermer une boutique sur cinq" in first["headline"]
    assert first["tone"] == "negative"
    assert any(v["type"] == "journalist" for v in first["voices"])
    # the journalists' section starts with the scoop's authors, grouped by that story
    assert data["journalists"][0]["stories"][0]["headline"] == first["headline"]


def test_the_busiest_edition_fits_in_four_pdf_pages_with_emoji(world: dict[str, Any]) -> None:
    import shutil
    import subprocess

    from socialhub.reports.build import build

    if shutil.which("pdfinfo") is None or shutil.which("pdffonts") is None:
        pytest.fail("pdfinfo/pdffonts missing: apt-get install -y poppler-utils", pytrace=False)

    store = world["store"]
    for name in ("panne-reseau", "article-journaliste"):
        ep = world["episodes"][name]
        ws = next(w for w in store.workspaces.list_workspaces() if w.id == ep["ws"])
        built = build(store, ws, "digest", *_edition(ep["start"]))
        assert built.pdf is not None
        info = subprocess.run(["pdfinfo", "-"], input=built.pdf, capture_output=True, check=True)
        pages = int(next(line.split()[-1] for line in info.stdout.decode().splitlines()
                         if line.startswith("Pages:")))  # fmt: skip
        assert 1 <= pages <= 4, (name, pages)
    # posts' emoji are drawn with the colour emoji font installed at set-up
    import re

    emoji = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
    assert emoji.search(built.print_html), "the edition shows no emoji to draw"
    path = world["tmp"] / "digest.pdf"
    path.write_bytes(built.pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    assert b"Noto-Color-Emoji" in fonts, fonts.decode()


def test_a_journalists_request_is_a_press_opportunity_routed_to_the_press_officer(
    world: dict[str, Any],
) -> None:
    ws_id = world["episodes"]["article-journaliste"]["ws"]
    start = datetime(2026, 3, 3, 7, tzinfo=UTC)
    data = _digest(world, ws_id, start, start + timedelta(hours=9))
    [request] = data["press_opportunities"]
    assert request["text"].startswith("Je cherche des abonnés fibre à")
    assert request["routed_to"] == "Chloé Garnier (attachée de presse)"  # examples/telecom.toml


def test_at_the_demos_rate_the_scoop_leads_and_the_edition_fits_in_four_pages(
    tmp_path: Path,
) -> None:
    """The demo streams 20 mentions a minute: background stories then rival the scoop
    on the importance score; ranked for the brand, the scoop still leads."""
    import shutil
    import subprocess

    from socialhub.reports.build import build

    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo missing: apt-get install -y poppler-utils", pytrace=False)
    busy = _build_world(tmp_path / "hub.db", 20, 12)
    try:
        ep = busy["episodes"]["article-journaliste"]
        store = busy["store"]
        ws = next(w for w in store.workspaces.list_workspaces() if w.id == ep["ws"])
        built = build(store, ws, "digest", *_edition(ep["start"]))
        assert built.data["essentials"][0]["key"] == ep["story"]
        assert built.pdf is not None
        info = subprocess.run(["pdfinfo", "-"], input=built.pdf, capture_output=True, check=True)
        pages = int(next(line.split()[-1] for line in info.stdout.decode().splitlines()
                         if line.startswith("Pages:")))  # fmt: skip
        assert pages <= 4
    finally:
        busy["store"].close()


def test_over_a_long_run_the_scoop_stays_its_own_story_and_leads_its_edition(
    tmp_path: Path,
) -> None:
    """Issue 15: past the engine's 12 h tag warm-up, the brand's own hashtag
    (``#mirabelle``, 54 of the scoop's 333 posts) made the scoop join a 457-post chatter
    story ("Nexo Mobile condamné…") that held most of the tag's use, and the scoop left
    its edition's "L'essentiel". Seed 42 at the demo's 20 mentions a minute reproduces it
    from 12.4 simulated hours (the join runs at 12 h 22); 12.5 h is the shortest run."""
    from socialhub.analytics.stories.generic import is_generic

    world = _build_world(tmp_path / "hub.db", 20, 12.5)
    try:
        ep = world["episodes"]["article-journaliste"]
        store = world["store"]
        record = store.stories.get_by_key(ep["ws"], ep["story"])
        assert record is not None and record.merged_into is None
        assert "fermer une boutique sur cinq" in record.headline, record.headline
        # every post of the scoop's story is the scoop's (no chatter swallowed with it)
        assert record.size == ep["in_story"] >= 300, (record.size, ep["in_story"])
        start, end = _edition(ep["start"])
        assert start == datetime(2026, 3, 2, 7, tzinfo=UTC)
        data = _digest(world, ep["ws"], start, end)
        assert data["essentials"][0]["key"] == ep["story"], [
            e["headline"] for e in data["essentials"]
        ]
        # the outage's own tag is no brand name: it still leads to its story
        generic = Router(ROOT / "examples" / "telecom.toml").generic[ep["ws"]]
        assert is_generic("#Mirabelle", generic) and not is_generic("#MirabelleDown", generic)
    finally:
        world["store"].close()
