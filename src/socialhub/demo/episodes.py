"""Scripted episodes: the ground truth a detector, a digest or a war room should find.

Each episode sits at a fixed offset from the simulation start, so a short run sees the
first ones. Volumes scale with the background rate (with a floor, so slow test runs still
show them). A script yields ``(timestamp, Spec)`` in time order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from socialhub.demo.places import OUTAGE_CITIES
from socialhub.demo.scripting import (
    ARTICLE_TITLE,
    BY_HANDLE,
    MIRA,
    MIRA_SAV,
    TELVIA_ACC,
    Episode,
    Event,
)
from socialhub.demo.world import (
    BRAND,
    CAMPAIGN_TAG,
    CONTROVERSY_LINK,
    CONTROVERSY_ORIGIN,
    CONTROVERSY_TAG,
    COORDINATED_HANDLES,
    OUTAGE_TAG,
    TELVIA,
    Person,
)


def _acc(p: Person, platform: str | None = None) -> str:
    return f"{platform or p.platform}:{p.handle}"


def build(start: datetime) -> list[Episode]:
    """The episodes of a run starting at ``start`` (offsets are fixed)."""

    def at(hours: float) -> datetime:
        return start + timedelta(hours=hours)

    j = BY_HANDLE
    return [
        Episode(
            "lancement-telvia",
            "launch",
            at(2),
            at(6),
            "Concurrent Telvia",
            "Telvia lance « Telvia Flex » : un petit pic de réactions mitigées qui retombe en "
            "une heure (le lancement fait pschitt).",
            accounts=(
                _acc(TELVIA_ACC),
                _acc(TELVIA.ceo),
                "news:treynaudsalles",
                "news:milbert_eco",
            ),
            hashtags=("#TelviaFlex",),
        ),
        Episode(
            "article-journaliste",
            "article",
            at(4.5),
            at(9.5),
            "Journalistes × Mirabelle",
            f"Camille Roussel (Le Quotidien Numérique) publie « {ARTICLE_TITLE} », le "
            "partage sur X ; d'autres journalistes et des abonnés relaient.",
            accounts=(
                "news:camroussel",
                "x:camroussel",
                "x:ines_bm",
                "x:atessandier",
                "x:phvautrin",
                "x:rkessler",
                "x:cvasseur",
            ),
        ),
        Episode(
            "campagne-mirabelle",
            "campaign",
            at(12),
            at(17),
            "Campagne #MaVieEnMirabelle",
            "Lancement du film publicitaire #MaVieEnMirabelle en prime time : louanges, "
            "partages, influenceurs partenaires.",
            accounts=(
                _acc(MIRA),
                "youtube:TechAvecLina",
                "x:claravoyageuse",
                "facebook:papaconnecte",
                _acc(BRAND.ceo),
            ),
            hashtags=(CAMPAIGN_TAG,),
        ),
        Episode(
            "panne-reseau",
            "outage",
            at(24.5),
            at(32),
            "Pannes et réclamations",
            "Panne du réseau fixe et mobile à Lyon, Villeurbanne et Grenoble : vague de "
            "plaintes (#MirabelleDown), communiqués, articles, réactions d'élus, rétablissement.",
            cities=OUTAGE_CITIES,
            accounts=(
                _acc(MIRA),
                _acc(MIRA_SAV),
                "news:mferrandi",
                "news:bloriot",
                "news:camroussel",
                "news:pgrangier",
                _acc(j["mdelormefabre"]),
                _acc(j["gillesaubrac"]),
                _acc(j["remidufresne"]),
            ),
            hashtags=(OUTAGE_TAG,),
        ),
        Episode(
            "polemique-donnees",
            "coordinated",
            at(36),
            at(42),
            "Réputation — données personnelles",
            "Un compte affirme que Mirabelle revend des données de localisation ; "
            f"{len(COORDINATED_HANDLES)} comptes coordonnés reprennent le même texte et le "
            "même lien en quelques secondes, par vagues ; démenti officiel, débunk, articles.",
            accounts=(
                _acc(CONTROVERSY_ORIGIN),
                _acc(MIRA),
                _acc(BRAND.ceo),
                "bluesky:nhaddouche.bsky.social",
                "news:sdelmaskern",
            ),
            origin=_acc(CONTROVERSY_ORIGIN),
            coordinated=tuple(f"x:{h}" for h in COORDINATED_HANDLES),
            hashtags=(CONTROVERSY_TAG,),
            links=(CONTROVERSY_LINK,),
        ),
    ]


def scripts(episodes: list[Episode], seed: int, rate: float) -> list[Iterator[Event]]:
    """One time-ordered event stream per episode."""
    from socialhub.demo import scripts_buzz, scripts_crisis

    makers: dict[str, Callable[[Episode, random.Random, float], Iterator[Event]]] = {
        "launch": scripts_buzz.launch,
        "article": scripts_buzz.article,
        "campaign": scripts_buzz.campaign,
        "outage": scripts_crisis.outage,
        "coordinated": scripts_crisis.controversy,
    }
    out = []
    for i, ep in enumerate(episodes):
        rng = random.Random(seed * 7_919 + i * 104_729 + 17)
        out.append(makers[ep.kind](ep, rng, rate))
    return out
