"""The hook file for socialhub's own components (same hooks as third-party plugins)."""

from __future__ import annotations

from typing import Any

from socialhub.hookspecs import hookimpl


@hookimpl
def socialhub_enrichers() -> dict[str, Any]:
    from socialhub.enrichers.authors import AuthorInfluence
    from socialhub.enrichers.brand_voice import BrandVoice
    from socialhub.enrichers.categories.stage import CategoriesStage
    from socialhub.enrichers.dedup import ExactDedup
    from socialhub.enrichers.entities.stage import EntityStage
    from socialhub.enrichers.keyphrases import Keyphrases
    from socialhub.enrichers.language import LanguageDetector
    from socialhub.enrichers.neardup import NearDup
    from socialhub.enrichers.places.stage import PlaceStage
    from socialhub.enrichers.prefetch import EmbeddingPrefetch
    from socialhub.enrichers.pseudonymise import Pseudonymiser
    from socialhub.enrichers.relevance import RelevanceScorer
    from socialhub.enrichers.routing import QueryRouter
    from socialhub.enrichers.sentiment.stage import SentimentStage

    stages: list[Any] = [
        ExactDedup,
        EmbeddingPrefetch,
        LanguageDetector,
        NearDup,
        QueryRouter,
        RelevanceScorer,
        Keyphrases,
        EntityStage,
        PlaceStage,
        SentimentStage,
        CategoriesStage,
        BrandVoice,
        AuthorInfluence,
        Pseudonymiser,
    ]
    return {stage.name: stage for stage in stages}


@hookimpl
def socialhub_detectors() -> dict[str, Any]:
    from socialhub.analytics.detectors.registry import builtin_detectors

    return builtin_detectors()


@hookimpl
def socialhub_sources() -> dict[str, Any]:
    from socialhub.connectors.demo import DemoSource

    return {"demo": DemoSource}


@hookimpl
def socialhub_connectors() -> dict[str, Any]:
    from socialhub.connectors.bluesky import BlueskyConnector
    from socialhub.connectors.broadcast import BroadcastConnector
    from socialhub.connectors.facebook import FacebookConnector
    from socialhub.connectors.mastodon import MastodonConnector
    from socialhub.connectors.reddit import RedditConnector
    from socialhub.connectors.rss import RssConnector
    from socialhub.connectors.webwatch import WebWatchConnector
    from socialhub.connectors.x import XConnector
    from socialhub.connectors.youtube import YouTubeConnector

    return {
        "bluesky": BlueskyConnector,
        "broadcast": BroadcastConnector,
        "facebook": FacebookConnector,
        "mastodon": MastodonConnector,
        "reddit": RedditConnector,
        "rss": RssConnector,
        "webwatch": WebWatchConnector,
        "x": XConnector,
        "youtube": YouTubeConnector,
    }
