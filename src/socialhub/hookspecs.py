"""Plugin hooks. Built-in components register through these exactly like third-party ones.

A plugin is a module with functions decorated by ``socialhub.hookspecs.hookimpl``,
installed under the ``socialhub`` entry-point group (see ``plugins.py``).
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("socialhub")
hookimpl = pluggy.HookimplMarker("socialhub")


@hookspec
def socialhub_enrichers() -> dict[str, Any]:  # type: ignore[empty-body]
    """Return {name: Enricher class} for pipeline stages this plugin provides."""


@hookspec
def socialhub_sources() -> dict[str, Any]:  # type: ignore[empty-body]
    """Return {name: source factory} for the mention sources this plugin provides."""


@hookspec
def socialhub_detectors() -> dict[str, Any]:  # type: ignore[empty-body]
    """Return {name: Detector factory} for the online detectors this plugin provides."""


@hookspec
def socialhub_connectors() -> dict[str, Any]:  # type: ignore[empty-body]
    """Return {platform name: Connector class} (see socialhub.connectors.base); the
    coordinator builds them from each [[source]]'s options and the environment."""
