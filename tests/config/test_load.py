"""load_config / parse_config: validation with the place of every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialhub.config import ConfigError, load_config, parse_config, query_error
from socialhub.models import Role

DATA = Path(__file__).parent / "data"


def errors_of(text: str, base_dir: Path | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, base_dir=base_dir)
    return info.value.errors


def test_loads_the_sample_file() -> None:
    cfg = load_config(DATA / "hub.toml")
    assert [u.username for u in cfg.users] == ["alice", "bruno"]
    assert cfg.users[0].password_env == "SOCIALHUB_TEST_PASSWORD_ALICE"
    assert cfg.users[1].password_env is None
    com, qos = cfg.workspaces
    assert (com.slug, com.timezone, qos.timezone) == (
        "mirabelle-com",
        "Europe/Paris",
        "Europe/Paris",
    )
    assert [(m.username, m.role) for m in com.members] == [
        ("alice", Role.ADMIN),
        ("bruno", Role.PRESS),
    ]
    assert [q.enabled for q in com.queries] == [True, False]
    assert com.queries[0].definition.startswith('("Mirabelle Télécom"')
    journalists, rivals = com.watchlists
    assert journalists.csv == "journalists.csv"
    assert [(m.platform, m.handle, m.list_type) for m in journalists.members] == [
        ("x", "hmarchetti", "journalist"),
        ("x", "PaulineGrd", "journalist"),  # "@" dropped, twitter -> x, type inherited
        ("", "jb.lestrade", "journalist"),  # no platform: watched everywhere
    ]
    assert journalists.members[2].notes == "tous réseaux, pigiste"
    assert rivals.members[1].notes == "challenger" and rivals.description
    assert cfg.path == DATA / "hub.toml" and cfg.warnings == []


def test_errors_name_their_place_in_the_file() -> None:
    errors = errors_of(
        """
[[user]]
username = "al ice"
email = "nope"

[[workspace]]
slug = "Mirabelle COM"
name = "x"
timezone = "Europe/Lutece"

  [[workspace.member]]
  username = "alice"
  role = "boss"

  [[workspace.query]]
  name = "ok"
  definition = "mirabelle"

  [[workspace.query]]
  name = "cassée"
  definition = "(mirabelle OR"
  enabled = "yes"

  [[workspace.query]]
  name = "ok"
  defintion = "x"

  [[workspace.watchlist]]
  name = "J"
  list_type = "press"
  members = [ { platform = "x" } ]
"""
    )
    text = "\n".join(errors)
    assert "user[0].username: 'al ice': use letters" in text
    assert "user[0].email: 'nope' is not an e-mail address" in text
    assert "workspace[0].slug: 'Mirabelle COM'" in text
    assert "workspace[0].timezone: unknown time zone 'Europe/Lutece'" in text
    assert (
        "workspace[0].member[0].role: 'boss' is not a role; expected one of admin, analyst" in text
    )
    assert any(
        e.startswith("workspace[0].query[1].definition: column ") and e.endswith("(query 'cassée')")
        for e in errors
    )
    assert "workspace[0].query[1].enabled: must be true or false" in text
    assert "workspace[0].query[2]: unknown key 'defintion' (did you mean 'definition'?)" in text
    assert "workspace[0].query[2].definition: is required" in text
    assert "workspace[0].query[2].name: 'ok' is defined twice" in text
    assert "workspace[0].watchlist[0].list_type: 'press' is not a list type" in text
    assert "workspace[0].watchlist[0].members[0]: handle is required" in text


def test_query_error_gives_the_column() -> None:
    assert query_error('"Mirabelle Télécom" OR mirabelle') is None
    problem = query_error("mirabelle AND (panne OR")
    assert problem is not None and problem.startswith("column ")


def test_toml_syntax_error_is_a_config_error() -> None:
    errors = errors_of('[[workspace]]\nslug = "a\n')
    assert errors[0].startswith("TOML syntax:")


def test_top_level_and_duplicates() -> None:
    errors = errors_of(
        """
[settings]
x = 1
[[user]]
username = "a"
[[user]]
username = "a"
[[workspace]]
slug = "w"
name = "W"
[[workspace]]
slug = "w"
name = "W2"
  [[workspace.watchlist]]
  name = "Presse"
  [[workspace.watchlist]]
  name = "presse"
"""
    )
    assert not any("settings" in e for e in errors)  # unknown sections only warn
    assert "user[1].username: 'a' is defined twice" in errors
    assert "workspace[1].slug: 'w' is defined twice" in errors
    assert "workspace[1].watchlist[1].name: 'presse' is defined twice" in errors


def test_watchlist_csv_problems(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(
        "handle,platform,name,list_type\n,x,Sans handle,journalist\nok,x,Ok,rockstar\n"
        "a,x,A,journalist,trop,de,champs\nok,x,Doublon,\n",
        encoding="utf-8",
    )
    (tmp_path / "cols.csv").write_text("handle,pseudo\nx,y\n", encoding="utf-8")
    text = """
[[workspace]]
slug = "w"
name = "W"
  [[workspace.watchlist]]
  name = "A"
  csv = "bad.csv"
  [[workspace.watchlist]]
  name = "B"
  csv = "missing.csv"
  [[workspace.watchlist]]
  name = "C"
  csv = "cols.csv"
"""
    errors = errors_of(text, base_dir=tmp_path)
    assert "workspace[0].watchlist[0].csv (bad.csv line 2): handle is required" in errors
    assert any(
        e.startswith(
            "workspace[0].watchlist[0].csv (bad.csv line 3): 'rockstar' is not a list type"
        )
        for e in errors
    )
    assert "workspace[0].watchlist[0].csv (bad.csv line 4): 7 fields, expected at most 4" in errors
    assert any(e.startswith("workspace[0].watchlist[1].csv: cannot read") for e in errors)
    assert "workspace[0].watchlist[2].csv: cols.csv: unknown column(s) pseudo" in errors


def test_csv_without_header_cp1252_and_duplicates_warn(tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_bytes(
        "hmarchetti;x;Hélène;journalist\nHMarchetti;x;Encore;\n".encode("cp1252")
    )
    cfg = parse_config(
        '[[workspace]]\nslug = "w"\nname = "W"\n'
        '[[workspace.watchlist]]\nname = "L"\ncsv = "l.csv"\n',
        base_dir=tmp_path,
    )
    (wl,) = cfg.workspaces[0].watchlists
    assert [(m.handle, m.name) for m in wl.members] == [("hmarchetti", "Hélène")]
    assert any("not UTF-8" in w for w in cfg.warnings)
    assert any("listed twice" in w for w in cfg.warnings)


def test_load_config_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path / "nope.toml")


def test_hub_sections_pass_and_unknown_sections_warn() -> None:
    cfg = parse_config(
        """
[hub]
db = "sqlite:///data/socialhub.db"
[pipeline]
batch_size = 10
[[source]]
type = "demo"
[dashboard]
x = 1
[[workspace]]
slug = "w"
name = "W"
  [[workspace.alert]]
  name = "Pic"
"""
    )
    assert [w.slug for w in cfg.workspaces] == ["w"]
    assert cfg.warnings == [
        "(top level): unknown key 'dashboard'; expected one of user, workspace, official_account"
        " (ignored)",
        "workspace[0]: unknown key 'alert'; expected one of slug, name, timezone, locale,"
        " member, query, watchlist, settings (ignored)",
    ]


def test_workspace_settings_are_checked_by_their_owner() -> None:
    text = """
[[workspace]]
slug = "w"
name = "W"
  [[workspace.settings.entities]]
  name = "Mirabelle"
  type = "fruit"
"""
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert "workspace[0].settings.entities" in str(info.value)
    assert "fruit" in str(info.value)
