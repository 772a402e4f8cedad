"""Author influence: the documented formula, bounds, monotony, one entity item per mention,
bad counts and hostile input."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from socialhub.enrichers.authors import KIND, AuthorInfluence, influence
from socialhub.models import Author, Engagement, Mention
from socialhub.pipeline.base import Context

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def mention(n: int, followers: Any = 0, text: str = "salut", **engagement: Any) -> Mention:
    author = Author("x", f"a{n}", handle=f"user{n}", followers=followers)
    return Mention("x", str(n), text, T0, author=author, engagement=Engagement(**engagement))


def score_of(m: Mention) -> float:
    items = [e for e in m.entities if e.get("kind") == KIND]
    assert len(items) == 1
    return float(items[0]["value"])


def test_documented_examples() -> None:
    assert influence(Author("x", "1", followers=500), Engagement()) == 27.0
    assert influence(Author("x", "1", followers=50_000), Engagement(likes=300)) == 61.9
    assert influence(Author("x", "1", followers=10_000_000), Engagement()) == 70.0
    assert influence(Author("x", "1"), Engagement()) == 0.0
    top = influence(
        Author("x", "1", followers=10**9, verified=True), Engagement(likes=10**9, views=10**12)
    )
    assert top == 100.0


def test_more_followers_or_engagement_never_lowers_the_score() -> None:
    previous = -1.0
    for followers in (0, 10, 100, 1_000, 10_000, 100_000, 1_000_000):
        score = influence(Author("x", "1", followers=followers), Engagement(likes=5))
        assert score > previous
        previous = score
    base = influence(Author("x", "1", followers=1_000), Engagement())
    liked = influence(Author("x", "1", followers=1_000), Engagement(likes=50))
    shared = influence(Author("x", "1", followers=1_000), Engagement(reposts=50))
    assert base < liked < shared  # a repost carries the mention further than a like


def test_verified_adds_the_bonus() -> None:
    plain = influence(Author("x", "1", followers=1_000), Engagement())
    verified = influence(Author("x", "1", followers=1_000, verified=True), Engagement())
    assert verified == pytest.approx(plain + 5.0, abs=0.11)


def test_stage_writes_one_item_and_keeps_other_entities() -> None:
    stage = AuthorInfluence(Context(None, {}))
    m = mention(1, followers=500)
    m.entities.append({"text": "Mirabelle Télécom", "label": "ORG"})
    stage.process([m])
    stage.process([m])  # running again replaces, never duplicates
    assert m.entities[0] == {"text": "Mirabelle Télécom", "label": "ORG"}
    assert m.entities[1] == {"kind": KIND, "value": 27.0}
    assert score_of(m) == 27.0


def test_settings_change_the_scale() -> None:
    m = mention(1, followers=10_000)
    AuthorInfluence(Context(None, {"authors_followers_ref": 10_000})).process([m])
    assert score_of(m) == 70.0
    with pytest.raises(ValueError):
        AuthorInfluence(Context(None, {"authors_reach_weight": 2}))


def test_no_author_no_item() -> None:
    m = Mention("x", "1", "salut", T0)
    AuthorInfluence(Context(None, {})).process([m])
    assert m.entities == []


@pytest.mark.parametrize(
    "followers, engagement",
    [
        (-5, {"likes": -3}),
        (None, {"likes": None}),
        (float("nan"), {"views": float("inf")}),
        ("12k", {"reposts": "lots"}),
        (10**30, {"likes": 10**30}),
    ],
)
def test_bad_counts_give_a_score_in_range(followers: Any, engagement: dict[str, Any]) -> None:
    m = mention(1, followers=followers, **engagement)
    AuthorInfluence(Context(None, {})).process([m])
    assert 0.0 <= score_of(m) <= 100.0


def test_hostile_texts_never_break_a_batch() -> None:
    rng = random.Random(7)
    texts = [
        "",
        "a" * 100_000,
        rng.randbytes(4_000).decode("utf-8", errors="replace"),
        "Привет мир, 你好世界, مرحبا بالعالم, Bonjour le monde",
        "😡🔥😂👍🏽🇫🇷" * 50,
    ]
    batch = [mention(i, followers=100 * i, text=t) for i, t in enumerate(texts)]
    out = AuthorInfluence(Context(None, {})).process(batch)
    assert out == batch
    assert [score_of(m) for m in batch] == sorted(score_of(m) for m in batch)
