"""Helpers shared by the ingest tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialhub.ingest import ImportFile
from socialhub.models import Mention, QuarantineItem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"

# Fixture tweet ids (X snowflakes built from their created_at).
T1 = "1764911912186810369"  # @hmarchetti, the original post
T2 = "1764916513338302465"  # @mirabelle_fr replies to T1
T3 = "1764918811816898561"  # @jdurand_42 reposts T1
T4 = "1764920019776454657"  # @clem_paris quotes T1, with a photo
T5 = "1764924386046922753"  # @fibre_rage, English
T6 = "1764943935697870849"  # @anto_rezo, no created_at in the payload
T7 = "1764945193989074945"  # created_at "hier matin": quarantined
T8 = "1764951107957719041"  # @mirabelle_fr replies to T6


def read_all(
    name: str | Path, **kwargs: Any
) -> tuple[list[Mention], list[QuarantineItem], ImportFile]:
    path = name if isinstance(name, Path) else FIXTURES / name
    with ImportFile(path, **kwargs) as f:
        items = list(f)
    mentions = [i for i in items if isinstance(i, Mention)]
    quarantined = [i for i in items if isinstance(i, QuarantineItem)]
    assert len(mentions) + len(quarantined) == len(items)
    return mentions, quarantined, f
