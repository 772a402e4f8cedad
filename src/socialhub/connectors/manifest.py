"""A connector's ``manifest.toml``, read and checked: what it can do, which credentials
it reads, its rate limits, and its options with their defaults.

The ``[options]`` table is the single list of a connector's options: the coordinator
builder fills in the defaults from it and refuses an option it does not declare, for
every connector alike. Options without a default (TOML has no null) are named in
``optional``. tests/connectors/test_manifests.py checks each manifest against its
connector's constructor, so the two cannot drift apart.

>>> m = load_manifest("x")
>>> m.name, m.options["max_results"]
('x', 100)
>>> m.resolve({"timeout": 5}, where="[[source]] 'x'")["timeout"]
5
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

# Keys a manifest may hold; anything else is a typo and refused.
_LISTS = (
    "capabilities",
    "auth",
    "auth_required_for",
    "targets",
    "docs",
    "formats",
    "metadata",
    "rate_limit_headers",
    "optional",
)
_TEXTS = ("name", "title", "description", "platform", "api_version", "rate_limit")
_TABLES = ("rate_limits", "options")
_REQUIRED = ("name", "title", "description", "capabilities")


class ManifestError(ValueError):
    """A manifest that does not follow the schema (the message names file and key)."""


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    title: str
    description: str
    capabilities: tuple[str, ...]
    auth: tuple[str, ...] = ()  # environment variables holding its credentials
    rate_limits: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)  # option -> default
    optional: tuple[str, ...] = ()  # options without a default
    path: str = ""

    def known(self) -> list[str]:
        return sorted({*self.options, *self.optional})

    def resolve(self, given: Mapping[str, Any], *, where: str) -> dict[str, Any]:
        """The defaults overlaid with ``given``; an undeclared option or a value of the
        wrong type raises ``ValueError`` naming ``where`` (file and table) and the key."""
        unknown = sorted(set(given) - set(self.known()))
        if unknown:
            raise ValueError(
                f"{where}: unknown option(s) {', '.join(unknown)} for the {self.name} "
                f"connector (known: {', '.join(self.known())})"
            )
        for key, value in given.items():
            if key in self.options and not _same_type(self.options[key], value):
                kind = type(self.options[key]).__name__
                raise ValueError(f"{where}: option {key} must be a {kind}, not {value!r}")
        return {**self.options, **given}


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def parse_manifest(text: str, path: str) -> Manifest:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    unknown = sorted(set(data) - {*_LISTS, *_TEXTS, *_TABLES})
    if unknown:
        raise ManifestError(f"{path}: unknown key(s) {', '.join(unknown)}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise ManifestError(f"{path}: missing key(s) {', '.join(missing)}")
    for key in _LISTS:
        value = data.get(key, [])
        if key == "auth" and value == "none":
            data[key] = value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ManifestError(f"{path}: {key} must be a list of strings")
    for key in _TEXTS:
        if not isinstance(data.get(key, ""), str):
            raise ManifestError(f"{path}: {key} must be a string")
    for key in _TABLES:
        if not isinstance(data.get(key, {}), dict):
            raise ManifestError(f"{path}: [{key}] must be a table")
    limits = dict(data.get("rate_limits", {}))
    if "rate_limit" in data:
        limits.setdefault("default", data["rate_limit"])
    options = dict(data.get("options", {}))
    both = sorted(set(options) & set(data.get("optional", [])))
    if both:
        raise ManifestError(f"{path}: [options] {', '.join(both)} also listed in optional")
    return Manifest(
        name=data["name"],
        title=data["title"],
        description=data["description"],
        capabilities=tuple(data["capabilities"]),
        auth=tuple(data.get("auth", [])),
        rate_limits={str(k): str(v) for k, v in limits.items()},
        options=options,
        optional=tuple(data.get("optional", [])),
        path=path,
    )


def load_manifest(connector: str) -> Manifest:
    """The manifest of a built-in connector package (``socialhub.connectors.<name>``)."""
    path = resources.files(f"socialhub.connectors.{connector}").joinpath("manifest.toml")
    return parse_manifest(path.read_text(encoding="utf-8"), f"connectors/{connector}/manifest.toml")


def manifest_of(factory: Any) -> Manifest | None:
    """The manifest shipped beside a connector class, or None (a plugin without one)."""
    module = getattr(factory, "__module__", "")
    package = module.rpartition(".")[0]
    if not package:
        return None
    try:
        path = resources.files(package).joinpath("manifest.toml")
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError, TypeError):
        return None
    return parse_manifest(text, f"{package.replace('.', '/')}/manifest.toml")


@cache
def _defaults(connector: str) -> dict[str, Any]:
    return load_manifest(connector).options


def option_defaults(connector: str) -> Mapping[str, Any]:
    """The ``[options]`` defaults of a built-in connector, read once: its constructor's
    keyword defaults are taken from here, so each default is written only in the
    manifest."""
    return MappingProxyType(_defaults(connector))
