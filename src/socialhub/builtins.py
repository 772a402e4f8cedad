"""The hook file for socialhub's own components (same hooks as third-party plugins)."""

from __future__ import annotations

from typing import Any

from socialhub.hookspecs import hookimpl


@hookimpl
def socialhub_enrichers() -> dict[str, Any]:
    from socialhub.enrichers.dedup import ExactDedup
    from socialhub.enrichers.routing import QueryRouter

    return {ExactDedup.name: ExactDedup, QueryRouter.name: QueryRouter}


@hookimpl
def socialhub_sources() -> dict[str, Any]:
    from socialhub.connectors.demo import DemoSource

    return {"demo": DemoSource}
