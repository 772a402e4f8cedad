from __future__ import annotations

from datetime import timedelta

from socialhub.alerts.provenance import Provenance, provenance

from .helpers import burst


def test_patient_zero_is_the_first_original_post_not_an_earlier_repost() -> None:
    p = provenance(burst())
    assert [r.id for r in p.first_posts[:2]] == ["x:1", "x:2"]
    assert p.first_posts[0].author == "zero"


def test_amplifiers_ranked_by_reach_then_reposts() -> None:
    p = provenance(burst(), top_n=3)
    assert [a.author for a in p.amplifiers] == ["bignews", "early", "zero"]
    assert p.amplifiers[0].reposts_received == 520


def test_repost_share_counts_reposts_against_originals() -> None:
    p = provenance(burst())
    assert (p.total, p.reposts, p.originals) == (15, 7, 8)
    assert p.repost_share == round(7 / 15, 4)


def test_near_duplicate_clusters() -> None:
    p = provenance(burst())
    assert [(c.cluster_id, c.in_burst, c.size, c.first_post) for c in p.clusters] == [
        ("c1", 2, 3, "x:1")
    ]


def test_coordination_same_text_and_same_link_within_seconds() -> None:
    p = provenance(burst(), window=timedelta(seconds=60), min_accounts=3)
    kinds = {h.kind: h for h in p.coordination}
    assert set(kinds) == {"text", "link"}
    for hint in kinds.values():
        assert hint.accounts == ["ring1", "ring2", "ring3", "ring4"]  # not "late"
        assert hint.span_seconds == 15
        assert hint.mention_ids == ["x:r0", "x:r1", "x:r2", "x:r3"]
    assert kinds["link"].value == "boycott.example/go"  # tracking parameter dropped


def test_no_coordination_when_the_window_is_too_short() -> None:
    p = provenance(burst(), window=timedelta(seconds=8), min_accounts=3)
    assert p.coordination == []


def test_round_trips_through_a_dict() -> None:
    p = provenance(burst())
    assert Provenance.from_dict(p.to_dict()) == p


def test_empty_input() -> None:
    p = provenance([])
    assert (p.total, p.repost_share, p.first_posts) == (0, 0.0, [])
