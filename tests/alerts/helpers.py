"""Crafted signals and a crafted burst for the alerts tests (fictional accounts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.models import Author, Engagement, Mention
from socialhub.records.signals import Signal

T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> & <!channel> @here **gras** [lien](javascript:x) "q"'


def signal(
    minutes: float = 0,
    *,
    severity: int = 5,
    key: str = "query:1",
    detector: str = "volume",
    evidence: list[str] | None = None,
    observed: float = 50.0,
    baseline: float = 10.0,
    threshold: float = 30.0,
    workspace_id: int | None = None,
) -> Signal:
    return Signal(
        detector=detector,
        version="1.2",
        key=key,
        t=T0 + timedelta(minutes=minutes),
        severity=severity,
        observed=observed,
        baseline=baseline,
        threshold=threshold,
        score=4.2,
        title=f"Volume burst on {key}",
        workspace_id=workspace_id,
        params={"window": "5m", "z": 3.0},
        evidence=evidence if evidence is not None else [f"x:{int(minutes)}"],
    )


def author(handle: str, followers: int) -> Author:
    return Author("x", f"id-{handle}", handle, handle.title(), followers)


def burst() -> list[Mention]:
    """A story: patient zero, an early echo, a copy-paste ring within 20 s, a big
    account amplifying, and reposts."""
    out = [
        Mention(
            "x",
            "1",
            f"Panne réseau Fictel à Lyon depuis ce matin ?! {HOSTILE}",
            T0,
            url="https://x.example/zero/1",
            author=author("zero", 120),
            engagement=Engagement(reposts=40),
            cluster_id="c1",
            cluster_size=3,
        ),
        Mention(
            "x",
            "2",
            "Chez moi aussi plus de réseau Fictel à Lyon",
            T0 + timedelta(minutes=2),
            author=author("early", 300),
            cluster_id="c1",
            cluster_size=3,
        ),
    ]
    ring = "Fictel nous ment sur la panne, boycott total https://boycott.example/go?utm_source=a"
    for i, handle in enumerate(["ring1", "ring2", "ring3", "ring4"]):
        out.append(
            Mention(
                "x",
                f"r{i}",
                ring,
                T0 + timedelta(minutes=5, seconds=5 * i),
                author=author(handle, 10 + i),
            )
        )
    # The same text much later from a fifth account is not part of the ring.
    out.append(Mention("x", "late", ring, T0 + timedelta(hours=2), author=author("late", 5)))
    out.append(
        Mention(
            "x",
            "big",
            "Grosse panne Fictel signalée à Lyon, on enquête",
            T0 + timedelta(minutes=10),
            author=author("bignews", 900_000),
            engagement=Engagement(reposts=500, quotes=20),
            kind="article",
        )
    )
    for i in range(6):
        out.append(
            Mention(
                "x",
                f"rp{i}",
                "RT Grosse panne Fictel signalée à Lyon, on enquête",
                T0 + timedelta(minutes=11 + i),
                kind="repost",
                repost_of="x:big",
                author=author(f"fan{i}", 50),
            )
        )
    out.append(
        Mention(
            "x",
            "0-early-repost",
            "RT Panne réseau",
            T0 - timedelta(minutes=1),
            kind="repost",
            repost_of="x:elsewhere",
            author=author("rt", 1),
        )
    )
    return out
