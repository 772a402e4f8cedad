"""The scripted episodes are in the stream, where and when the ground truth says."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from socialhub.demo import Simulator
from socialhub.demo.places import OUTAGE_CITIES
from socialhub.demo.scripting import ARTICLE_TITLE
from socialhub.demo.world import CONTROVERSY_LINK, COORDINATED_HANDLES, JOURNALISTS, MPS
from socialhub.models import Mention
from socialhub.text import fold, index_tokens

Stream = tuple[Simulator, list[Mention]]
_OUTAGE_WORDS = re.compile(r"panne|reseau|internet|signal|coupee|#mirabelledown|box eteinte")
_CITY = re.compile("|".join(fold(c) for c in OUTAGE_CITIES))


def _between(ms: list[Mention], start: datetime, end: datetime) -> list[Mention]:
    return [m for m in ms if start <= m.created_at < end]


def test_ground_truth_lists_five_episodes_in_the_first_two_days(two_days: Stream) -> None:
    sim, _ = two_days
    kinds = {ep.kind for ep in sim.episodes}
    assert kinds == {"outage", "launch", "campaign", "article", "coordinated"}
    for ep in sim.episodes:
        assert sim.start < ep.start < ep.end <= sim.start + timedelta(hours=48)
        assert ep.query and ep.description
    assert sim.episode("panne-reseau").cities == OUTAGE_CITIES


def test_labelled_mentions_exist_and_start_in_their_window(two_days: Stream) -> None:
    sim, ms = two_days
    by_id = {m.id: m for m in ms}
    counts = Counter(sim.labels.values())
    for ep in sim.episodes:
        assert counts[ep.name] >= 30, ep.name
    for mid, name in sim.labels.items():
        ep = sim.episode(name)
        assert by_id[mid].created_at >= ep.start
        assert by_id[mid].created_at < ep.end + timedelta(hours=12)  # late replies trail off


def test_outage_window_has_many_more_complaints_than_the_day_before(two_days: Stream) -> None:
    sim, ms = two_days
    ep = sim.episode("panne-reseau")

    def complaints(part: list[Mention]) -> int:
        return sum(
            1 for m in part if _CITY.search(fold(m.text)) and _OUTAGE_WORDS.search(fold(m.text))
        )

    during = complaints(_between(ms, ep.start, ep.end))
    before = complaints(_between(ms, ep.start - timedelta(days=1), ep.end - timedelta(days=1)))
    assert during >= 300
    assert during > 10 * max(before, 1)


def test_outage_gets_official_replies_news_and_mps(two_days: Stream) -> None:
    sim, ms = two_days
    ep = sim.episode("panne-reseau")
    window = _between(ms, ep.start, ep.end + timedelta(hours=2))
    first = min(m.created_at for m in window if sim.labels.get(m.id) == ep.name)
    official = [m for m in window if m.author_handle == "MirabelleTel" and m.kind == "post"]
    assert any("incident" in m.text for m in official)
    assert any("rétabli" in m.text for m in official)
    sav = [m for m in window if m.author_handle == "MirabelleSAV" and m.reply_to]
    assert len(sav) >= 5
    news = [m for m in window if m.platform == "news" and sim.labels.get(m.id) == ep.name]
    assert len(news) >= 3 and all(m.created_at > first for m in news)
    mp_handles = {p.handle for p in MPS}
    assert {m.author_handle for m in window if m.author_handle in mp_handles} >= {
        "mdelormefabre",
        "gillesaubrac",
    }


def test_coordinated_accounts_post_near_identical_texts_within_seconds(two_days: Stream) -> None:
    sim, ms = two_days
    ep = sim.episode("polemique-donnees")
    mine = [m for m in ms if sim.labels.get(m.id) == ep.name]
    assert mine[0].author_handle == ep.origin.split(":", 1)[1]  # type: ignore[union-attr]
    cluster = set(COORDINATED_HANDLES)
    posts = [m for m in mine if m.author_handle in cluster and m.kind == "post"]
    assert len({m.author_handle for m in posts}) == len(cluster) >= 20
    assert {f"x:{h}" for h in cluster} == set(ep.coordinated)
    # the first wave: every account within a minute of the origin
    wave = [m for m in posts if m.created_at < ep.start + timedelta(seconds=90)]
    assert len({m.author_handle for m in wave}) >= 20
    assert max(m.created_at for m in wave) - min(m.created_at for m in wave) < timedelta(minutes=1)
    # near-identical: same link, and most words shared with the first post
    ref = set(index_tokens(wave[0].text))
    for m in posts:
        assert CONTROVERSY_LINK in m.text
        toks = set(index_tokens(m.text))
        assert len(ref & toks) / min(len(ref), len(toks)) >= 0.7, m.text
    # throwaway accounts: recent and small
    authors = {m.author_handle: m.author for m in posts}
    assert all(a is not None and a.followers < 200 for a in authors.values())
    assert all(
        a is not None and a.created_at is not None and a.created_at > ep.start - timedelta(days=40)
        for a in authors.values()
    )
    # the brand denies it
    assert any(m.author_handle == "MirabelleTel" and "faux" in m.text for m in mine)


def test_competitor_launch_fizzles(two_days: Stream) -> None:
    sim, ms = two_days
    ep = sim.episode("lancement-telvia")
    launch = [m for m in ms if sim.labels.get(m.id) == ep.name]
    assert launch[0].author_handle == "TelviaOfficiel" and "Telvia Flex" in launch[0].text
    first_hour = sum(m.created_at < ep.start + timedelta(hours=1) for m in launch)
    last_two = sum(m.created_at >= ep.end - timedelta(hours=2) for m in launch)
    assert first_hour >= 20
    assert last_two < 0.3 * first_hour  # the buzz dies within the hour
    before = _between(ms, ep.start - timedelta(hours=2), ep.start)
    usual = sum("telvia" in fold(m.text) for m in before) / 2
    telvia_first_hour = sum(
        "telvia" in fold(m.text) for m in _between(ms, ep.start, ep.start + timedelta(hours=1))
    )
    assert telvia_first_hour > 2 * max(usual, 1)  # a visible bump...
    campaign = sum(1 for name in sim.labels.values() if name == "campagne-mirabelle")
    assert len(launch) < 0.5 * campaign  # ...but modest next to our own campaign


def test_campaign_buzz(two_days: Stream) -> None:
    sim, ms = two_days
    ep = sim.episode("campagne-mirabelle")
    tag = "#mavieenmirabelle"
    during = sum(tag in fold(m.text) for m in _between(ms, ep.start, ep.end))
    before = sum(tag in fold(m.text) for m in _between(ms, ep.start - timedelta(hours=5), ep.start))
    assert during >= 100 and before == 0
    reposts = [m for m in _between(ms, ep.start, ep.end) if m.repost_of and tag in fold(m.text)]
    assert len(reposts) >= 20


def test_journalist_writes_about_the_brand(two_days: Stream) -> None:
    sim, ms = two_days
    ep = sim.episode("article-journaliste")
    mine = [m for m in ms if sim.labels.get(m.id) == ep.name]
    article = mine[0]
    assert article.platform == "news" and article.text.startswith(ARTICLE_TITLE)
    assert article.author_handle == "camroussel"
    share = next(m for m in mine if m.platform == "x" and m.author_handle == "camroussel")
    assert article.url in share.text
    journalists = {p.handle for p in JOURNALISTS}
    quoting = {
        m.author_handle for m in mine if m.kind == "quote" and m.author_handle in journalists
    }
    assert len(quoting) >= 3


def test_daily_cycle_quiet_nights_busy_evenings(two_days: Stream) -> None:
    sim, ms = two_days
    paris = ZoneInfo("Europe/Paris")
    by_hour = Counter(m.created_at.astimezone(paris).hour for m in ms if m.id not in sim.labels)
    night = sum(by_hour[h] for h in (2, 3, 4))
    evening = sum(by_hour[h] for h in (19, 20, 21))
    assert night < 0.3 * evening


def test_write_ground_truth(two_days: Stream, tmp_path: Path) -> None:
    sim, ms = two_days
    path = sim.write_ground_truth(tmp_path / "truth.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["seed"] == 42 and len(data["episodes"]) == 5
    ids = {m.id for m in ms}
    for ep in data["episodes"]:
        assert ep["mention_ids"] and set(ep["mention_ids"]) <= ids
        assert ep["start"] < ep["end"]
