"""Building coordinators from the ``[[source]]`` tables of the settings.

Each ``[[source]]`` whose ``type`` names a registered connector becomes one
:class:`~socialhub.connectors.coordinator.Coordinator`: ``interval``, ``targets`` and
the coordinator tunables are taken out, the remaining keys are the connector's options,
checked against its manifest (:mod:`socialhub.connectors.manifest`: the single list of
options and their defaults) and handed to the class as ``Cls(**options, env=env)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from socialhub.connectors.base import AuthError, Connector, Target
from socialhub.connectors.coordinator import DEFAULT_INTERVAL, Coordinator
from socialhub.connectors.manifest import manifest_of
from socialhub.connectors.watchlists import expand_watchlists
from socialhub.settings import Settings, SourceSettings
from socialhub.store.base import Store

# [[source]] keys the coordinator reads; everything else goes to the connector
COORDINATOR_OPTIONS = ("backoff_base", "backoff_cap", "max_pages", "max_retry_after")


def parse_targets(raw: Any, source: str) -> list[Target]:
    """``targets = [{kind, value, match_query, ...}]``: other keys become options."""
    targets: list[Target] = []
    for i, item in enumerate(raw or []):
        if not isinstance(item, Mapping) or not item.get("kind") or not item.get("value"):
            raise ValueError(f"source {source!r}: targets[{i}] needs 'kind' and 'value'")
        extra = {k: v for k, v in item.items() if k not in ("kind", "value", "match_query")}
        targets.append(
            Target(str(item["kind"]), str(item["value"]), str(item.get("match_query", "")), extra)
        )
    return targets


def make_connector(
    factory: Any, options: Mapping[str, Any], env: Mapping[str, str], *, where: str = ""
) -> Connector:
    """The connector, built from its manifest's declared options.

    With a manifest (every built-in connector), ``options`` are checked against its
    ``[options]`` (unknown key or wrong type: ``ValueError`` naming ``where`` and the
    key) and overlaid on its defaults. Then ``Cls.from_options(options, env)`` when the
    class defines it, else ``Cls(**options, env=env)``: every connector takes ``env``.
    """
    manifest = manifest_of(factory)
    resolved = dict(options)
    if manifest is not None:
        resolved = manifest.resolve(options, where=where or f"the {manifest.name} connector")
    if hasattr(factory, "from_options"):
        return factory.from_options(resolved, env)
    return factory(**resolved, env=env)


def build_coordinator(
    src: SourceSettings,
    store: Store,
    *,
    registry: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Coordinator:
    """A [[source]] table whose ``type`` is a connector name -> its coordinator."""
    if registry is None:
        from socialhub import plugins

        registry = plugins.connectors()
    if src.type not in registry:
        raise ValueError(f"unknown connector {src.type!r} (known: {', '.join(sorted(registry))})")
    options = dict(src.options)
    interval = float(options.pop("interval", DEFAULT_INTERVAL))
    targets = expand_watchlists(
        parse_targets(options.pop("targets", []), src.name), store.workspaces, src.type
    )
    tuning = {k: options.pop(k) for k in COORDINATOR_OPTIONS if k in options}
    environ = dict(os.environ) if env is None else env
    where = f"{src.origin or f'[[source]] {src.name!r}'} (type {src.type})"
    try:  # build now, so a wrong option fails at start-up...
        connector: Connector | Callable[[], Connector] = make_connector(
            registry[src.type], options, environ, where=where
        )
    except AuthError as exc:  # ...but a missing credential only stops this source

        def connector(error: AuthError = exc) -> Connector:
            raise error

    except TypeError as exc:
        raise ValueError(f"source {src.name!r}: bad option for {src.type}: {exc}") from exc
    return Coordinator(
        src.name,
        connector,
        targets,
        store.sources,
        interval=interval,
        connector_name=src.type,
        **tuning,
    )


def build_coordinators(
    settings: Settings,
    store: Store,
    *,
    registry: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Coordinator]:
    """Every [[source]] whose type is a registered connector, in the file's order."""
    if registry is None:
        from socialhub import plugins

        registry = plugins.connectors()
    return [
        build_coordinator(src, store, registry=registry, env=env)
        for src in settings.sources
        if src.type in registry
    ]
