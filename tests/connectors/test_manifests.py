"""Every connector's manifest.toml is read, follows the schema, agrees with its
constructor, and is what the coordinator builder checks options against."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from socialhub import plugins
from socialhub.connectors.manifest import ManifestError, load_manifest, manifest_of, parse_manifest
from socialhub.connectors.sources import build_coordinator
from socialhub.settings import Settings, SourceSettings
from socialhub.store.sqlite import SqliteStore

CONNECTORS = sorted(plugins.connectors())
# Constructor keywords that are wiring (tests, the clock, credentials), not options.
WIRING = {"env", "clock", "wall", "transport", "resolver", "options"}
ENV = {"SOCIALHUB_X_BEARER_TOKEN": "t", "SOCIALHUB_FACEBOOK_TOKEN": "t"}


@pytest.mark.parametrize("name", [*CONNECTORS, "demo"])
def test_each_manifest_loads(name: str) -> None:
    m = load_manifest(name)
    assert m.name == name and m.title and m.description and m.capabilities
    assert all(a.startswith("SOCIALHUB_") for a in m.auth)
    assert m.rate_limits  # every platform says what it allows


@pytest.mark.parametrize("name", CONNECTORS)
def test_manifest_options_match_the_constructor(name: str) -> None:
    factory = plugins.connectors()[name]
    m = manifest_of(factory)
    assert m is not None and m.name == name
    params = inspect.signature(factory).parameters
    keywords = {
        p.name: p.default
        for p in params.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in WIRING
    }
    for key, default in keywords.items():
        assert key in m.options, f"{name}: option {key} missing from the manifest"
        assert m.options[key] == default, f"{name}: {key} is {default!r} in the code"
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if not takes_any:  # options read from a mapping cannot be listed from the signature
        assert set(m.known()) == set(keywords), name


@pytest.mark.parametrize("name", CONNECTORS)
def test_every_connector_refuses_an_unknown_option(
    name: str, sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    src = SourceSettings(name, "press", {"tiemout": 3}, f"{tmp_path}/hub.toml [[source]] #1")
    with pytest.raises(ValueError, match=r"hub\.toml \[\[source\]\] #1.*unknown option.*tiemout"):
        build_coordinator(src, sqlite_store, env=ENV)
    numeric = next(k for k, v in load_manifest(name).options.items() if type(v) in (int, float))
    wrong = SourceSettings(name, "press", {numeric: "soon"}, "hub.toml [[source]] #1")
    with pytest.raises(ValueError, match=f"option {numeric} must be a (float|int), not 'soon'"):
        build_coordinator(wrong, sqlite_store, env=ENV)


def test_the_builder_fills_defaults_from_the_manifest(sqlite_store: SqliteStore) -> None:
    src = SourceSettings("x", "x-search", {"max_results": 50})
    coord = build_coordinator(src, sqlite_store, env=ENV)
    connector = coord.connector
    assert connector is not None
    assert connector.max_results == 50  # type: ignore[attr-defined]
    default = load_manifest("x").options["stream_timeout"]
    assert connector.client.stream_timeout == default  # type: ignore[attr-defined]


def test_settings_name_the_file_and_table(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('[[source]]\ntype = "rss"\nname = "presse"\n', encoding="utf-8")
    (src,) = Settings.from_file(path).sources
    assert src.origin == f"{path} [[source]] #1 'presse'"


def test_schema_errors_name_the_file_and_key() -> None:
    base = 'name = "n"\ntitle = "t"\ndescription = "d"\ncapabilities = ["search"]\n'
    with pytest.raises(ManifestError, match=r"m\.toml: unknown key\(s\) rate_limt"):
        parse_manifest(base + 'rate_limt = "x"\n', "m.toml")
    with pytest.raises(ManifestError, match="missing key"):
        parse_manifest('name = "n"\n', "m.toml")
    with pytest.raises(ManifestError, match="auth must be a list"):
        parse_manifest(base + "auth = 3\n", "m.toml")
    with pytest.raises(ManifestError, match="also listed in optional"):
        parse_manifest(base + 'optional = ["a"]\n[options]\na = 1\n', "m.toml")


@pytest.mark.parametrize(
    ("name", "options"),
    [("bluesky", {"limt": 5}), ("mastodon", {"limt": 5}), ("webwatch", {"itme": "li"})],
)
def test_connectors_taking_a_mapping_refuse_an_unknown_option_built_directly(
    name: str, options: dict[str, object]
) -> None:
    factory = plugins.connectors()[name]
    with pytest.raises(ValueError, match=f"unknown option.*{next(iter(options))}"):
        factory(**options, env={})
