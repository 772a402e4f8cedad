"""Loads the built-in hook file and every installed ``socialhub`` entry-point plugin."""

from __future__ import annotations

from functools import cache
from typing import Any

import pluggy

from socialhub import hookspecs


@cache
def manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("socialhub")
    pm.add_hookspecs(hookspecs)
    from socialhub import builtins

    pm.register(builtins, name="socialhub.builtins")
    pm.load_setuptools_entrypoints("socialhub")
    return pm


def _collect(results: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    # pluggy calls the last registered first; reversed so later plugins override built-ins.
    for part in reversed(results):
        merged.update(part)
    return merged


def enrichers() -> dict[str, Any]:
    return _collect(manager().hook.socialhub_enrichers())


def sources() -> dict[str, Any]:
    return _collect(manager().hook.socialhub_sources())


def detectors() -> dict[str, Any]:
    return _collect(manager().hook.socialhub_detectors())


def connectors() -> dict[str, Any]:
    return _collect(manager().hook.socialhub_connectors())
