"""Shape of the stream: order, ids, threads, platforms, authors, languages, engagement."""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

from socialhub.demo.platforms import PLATFORMS
from socialhub.models import KINDS, Mention, payload_sha256

_URL = {
    "x": re.compile(r"^https://x\.com/\w+/status/\d{19}$"),
    "bluesky": re.compile(r"^https://bsky\.app/profile/[\w.-]+/post/[2-7a-z]{13}$"),
    "mastodon": re.compile(r"^https://[\w.-]+/@\w+/\d+$"),
    "reddit": re.compile(r"^https://www\.reddit\.com/r/\w+/comments/[0-9a-z]+/"),
    "news": re.compile(r"^https://www\.[\w.-]+/[\w-]+/\d{4}/\d{2}/\d{2}/[\w-]+$"),
    "facebook": re.compile(r"^https://www\.facebook\.com/[\w./]+(\?comment_id=\d+)?$"),
    "youtube": re.compile(r"^https://www\.youtube\.com/watch\?v=[\w-]{11}(&lc=[\w-]+)?$"),
    "forum": re.compile(r"^https://[\w.-]+/t/\d+#p\d+$"),
}
_KINDS = {
    "x": {"post", "reply", "repost", "quote"},
    "bluesky": {"post", "reply", "repost", "quote"},
    "mastodon": {"post", "reply", "repost"},
    "reddit": {"post", "comment"},
    "news": {"article"},
    "facebook": {"post", "comment", "repost"},
    "youtube": {"post", "comment"},
    "forum": {"post", "reply"},
}


def test_created_at_never_goes_back(day_stream: list[Mention]) -> None:
    times = [m.created_at for m in day_stream]
    assert times == sorted(times)
    assert all(m.created_at.tzinfo is not None for m in day_stream)
    assert all(m.collected_at > m.created_at for m in day_stream)


def test_ids_are_unique(day_stream: list[Mention]) -> None:
    ids = [m.id for m in day_stream]
    assert len(set(ids)) == len(ids)


def test_parents_are_earlier_mentions(day_stream: list[Mention]) -> None:
    seen: dict[str, Mention] = {}
    linked = Counter[str]()
    for m in day_stream:
        for name in ("reply_to", "quote_of", "repost_of", "root_id"):
            ref = getattr(m, name)
            if ref is not None:
                assert ref in seen, f"{m.id}.{name} -> {ref} not seen before"
                assert seen[ref].platform == m.platform
                linked[name] += 1
        if m.kind in ("reply", "comment"):
            assert m.reply_to is not None and m.root_id is not None
        if m.kind == "repost":
            assert m.repost_of is not None
        if m.kind in ("post", "article"):
            assert m.reply_to is m.quote_of is m.repost_of is m.root_id is None
        seen[m.id] = m
    # cascades exist and go deeper than one level
    assert linked["reply_to"] > 2_000 and linked["repost_of"] > 1_000 and linked["quote_of"] > 200
    deep = sum(1 for m in day_stream if m.reply_to and m.root_id and m.reply_to != m.root_id)
    assert deep > 200


def test_platforms_kinds_and_urls(day_stream: list[Mention]) -> None:
    by_platform = Counter(m.platform for m in day_stream)
    assert set(by_platform) == set(PLATFORMS)
    assert by_platform["x"] == max(by_platform.values())
    for m in day_stream:
        assert m.kind in KINDS and m.kind in _KINDS[m.platform], (m.platform, m.kind)
        assert _URL[m.platform].match(m.url), m.url
        assert m.collected_via == "demo"
        assert m.raw is not None and m.raw_sha256 == payload_sha256(m.raw)
        assert m.author is not None and m.author.platform == m.platform and m.author.handle
    reposts_x = [m for m in day_stream if m.platform == "x" and m.kind == "repost"]
    assert reposts_x and all(m.text.startswith("RT @") for m in reposts_x)


def test_raw_payloads_look_like_the_platforms(day_stream: list[Mention]) -> None:
    first: dict[tuple[str, str], Mention] = {}
    for m in day_stream:
        first.setdefault((m.platform, m.kind), m)
    x_reply = first[("x", "reply")].raw
    assert x_reply["data"]["referenced_tweets"][0]["type"] == "replied_to"
    assert x_reply["includes"]["users"][0]["username"] == first[("x", "reply")].author_handle
    assert first[("bluesky", "post")].raw["record"]["$type"] == "app.bsky.feed.post"
    assert first[("reddit", "comment")].raw["kind"] == "t1"
    assert first[("youtube", "post")].raw["kind"] == "youtube#video"
    assert first[("news", "article")].raw["title"] == first[("news", "article")].text.split("\n")[0]


def test_author_followers_are_heavy_tailed(day_stream: list[Mention]) -> None:
    authors = {m.author.id: m.author for m in day_stream if m.author}
    followers = sorted(a.followers for a in authors.values())
    assert len(authors) > 5_000
    assert median(followers) < 200
    assert followers[-1] > 100_000
    top = followers[-len(followers) // 100 :]
    assert sum(top) > 0.3 * sum(followers)  # the top 1 % hold a large share of the audience
    assert 0 < sum(a.verified for a in authors.values()) < 0.05 * len(authors)
    # activity is heavy-tailed too: a few accounts post many times
    per_author = Counter(m.author.id for m in day_stream if m.author)
    assert per_author.most_common(1)[0][1] >= 20


def test_engagement_is_heavy_tailed(day_stream: list[Mention]) -> None:
    likes = sorted(m.engagement.likes for m in day_stream if m.kind != "repost")
    assert median(likes) < 20 < 1_000 < likes[-1]
    assert all(m.engagement.total() == 0 for m in day_stream if m.kind == "repost")


def test_language_mix(day_stream: list[Mention]) -> None:
    langs = Counter(m.lang for m in day_stream)
    share = {k: v / len(day_stream) for k, v in langs.items()}
    assert 0.70 <= share["fr"] <= 0.80
    assert 0.15 <= share["en"] <= 0.25
    others = share.get("es", 0) + share.get("it", 0) + share.get("de", 0)
    assert 0.02 <= others <= 0.08 and {"es", "it", "de"} <= set(langs)


def test_places_countries_and_media(day_stream: list[Mention]) -> None:
    n = len(day_stream)
    placed = [m for m in day_stream if m.place]
    assert 0.03 * n < len(placed) < 0.3 * n
    assert all(m.country for m in placed)
    assert Counter(m.country for m in day_stream if m.country)["fr"] > 0.5 * n * 0.2
    with_media = [m for m in day_stream if m.media]
    assert 0.03 * n < len(with_media) < 0.3 * n
    assert all(u.startswith("https://") for m in with_media for u in m.media)


def test_languages_parameter_sets_the_crowd_mix() -> None:
    from socialhub.demo import Simulator

    langs = Counter(m.lang for m in Simulator(seed=4, languages={"fr": 1.0}).take(2_000))
    # named English-speaking journalists still write in English
    assert langs["fr"] >= 0.98 * sum(langs.values())
