"""apply_config / export_config against real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialhub.config import ConfigError, apply_config, export_config, load_config, parse_config
from socialhub.config.passwords import verify_password
from socialhub.i18n import use_locale
from socialhub.models import Role, User
from socialhub.store.base import Store

DATA = Path(__file__).parent / "data"
ENV = {"SOCIALHUB_TEST_PASSWORD_ALICE": "correct horse battery staple"}


def test_apply_creates_everything(store: Store) -> None:
    report = apply_config(load_config(DATA / "hub.toml"), store, env=ENV)
    assert report.counts["user"]["created"] == 2
    assert report.counts["workspace"]["created"] == 2
    assert report.counts["member"]["created"] == 3
    assert report.counts["query"]["created"] == 3
    assert report.counts["watchlist"]["created"] == 2
    assert report.users_without_password == ["bruno"]
    with use_locale("en"):  # the hub's default language is French
        assert "cannot log in" in report.summary()
    assert "ne peuvent pas se connecter" in report.summary()

    alice = store.accounts.get_user("alice")
    assert alice is not None and verify_password(
        alice.password_hash, ENV["SOCIALHUB_TEST_PASSWORD_ALICE"]
    )
    bruno = store.accounts.get_user("bruno")
    assert bruno is not None and bruno.password_hash == "" and bruno.email == "bruno@example.org"
    com = store.workspaces.get_workspace("mirabelle-com")
    assert (
        com is not None and com.id is not None and com.name == "Mirabelle Télécom — Communication"
    )
    roles = {m.user_id: m.role for m in store.accounts.list_memberships(workspace_id=com.id)}
    assert roles == {alice.id: Role.ADMIN, bruno.id: Role.PRESS}
    queries = {q.name: q for q in store.workspaces.list_queries(com.id)}
    assert queries["Pannes"].enabled is False
    assert queries["Marque Mirabelle"].description == "La marque, sans la confiture."
    lists = {w.name: w for w in store.workspaces.list_watchlists(com.id)}
    assert lists["Journalistes"].list_type == "journalist"
    assert {m.handle for m in lists["Journalistes"].members} == {
        "hmarchetti",
        "PaulineGrd",
        "jb.lestrade",
    }


def test_reapply_and_round_trip_change_nothing(store: Store, tmp_path: Path) -> None:
    cfg = load_config(DATA / "hub.toml")
    apply_config(cfg, store, env=ENV)
    alice_hash = store.accounts.get_user("alice").password_hash  # type: ignore[union-attr]

    again = apply_config(cfg, store, env=ENV)
    assert again.changed == 0, again.changes
    assert again.counts["query"]["unchanged"] == 3
    assert store.accounts.get_user("alice").password_hash == alice_hash  # type: ignore[union-attr]

    text = export_config(store)
    exported = tmp_path / "exported.toml"
    exported.write_text(text, encoding="utf-8")
    round_trip = apply_config(load_config(exported), store, env={})
    assert round_trip.changed == 0, round_trip.changes
    assert export_config(store) == text  # deterministic
    # the export is readable TOML with members inline and no secrets
    assert "members = [" in text and "password" not in text.replace("password_env", "")
    assert "definition = '(\"Mirabelle Télécom\" OR mirabelle) NOT (confiture OR tarte)'" in text
    assert "enabled = false" in text


def test_updates_and_prune(store: Store) -> None:
    apply_config(load_config(DATA / "hub.toml"), store, env=ENV)
    smaller = parse_config(
        """
[[workspace]]
slug = "mirabelle-com"
name = "Mirabelle — Com"
  [[workspace.member]]
  username = "bruno"
  role = "analyst"
  [[workspace.query]]
  name = "Marque Mirabelle"
  definition = 'mirabelle NOT confiture'
  [[workspace.watchlist]]
  name = "journalistes"
  list_type = "journalist"
  members = [ { handle = "hmarchetti", platform = "x" } ]
"""
    )
    kept = apply_config(smaller, store)
    assert kept.counts["workspace"]["updated"] == 1
    assert kept.counts["member"]["updated"] == 1  # bruno press -> analyst
    assert kept.counts["query"] == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    assert kept.counts["watchlist"]["updated"] == 1  # renamed (case) and members replaced
    com = store.workspaces.get_workspace("mirabelle-com")
    assert com is not None and com.id is not None
    assert len(store.workspaces.list_queries(com.id)) == 2  # without prune nothing is deleted
    assert len(store.accounts.list_memberships(workspace_id=com.id)) == 2

    pruned = apply_config(smaller, store, prune=True)
    assert pruned.counts["query"]["deleted"] == 1
    assert pruned.counts["watchlist"]["deleted"] == 1
    assert pruned.counts["member"]["deleted"] == 1  # alice left the file
    assert [q.name for q in store.workspaces.list_queries(com.id)] == ["Marque Mirabelle"]
    assert [w.name for w in store.workspaces.list_watchlists(com.id)] == ["journalistes"]
    qos = store.workspaces.get_workspace("mirabelle-qos")
    assert (
        qos is not None and len(store.workspaces.list_queries(qos.id)) == 1
    )  # not in the file: untouched
    assert store.accounts.get_user("alice") is not None  # users are never deleted


def test_dry_run_writes_nothing(store: Store) -> None:
    report = apply_config(load_config(DATA / "hub.toml"), store, env=ENV, dry_run=True)
    assert report.dry_run and report.changed == 12
    with use_locale("en"):
        assert report.summary().startswith("dry run")
    assert report.summary().startswith("essai à blanc, rien n'est écrit")
    assert store.workspaces.list_workspaces() == [] and store.accounts.list_users() == []


def test_passwords_from_env_only(store: Store) -> None:
    cfg = load_config(DATA / "hub.toml")
    missing = apply_config(cfg, store, env={})
    assert any("SOCIALHUB_TEST_PASSWORD_ALICE is not set" in w for w in missing.warnings)
    assert sorted(missing.users_without_password) == ["alice", "bruno"]

    apply_config(cfg, store, env=ENV)
    changed = apply_config(cfg, store, env={"SOCIALHUB_TEST_PASSWORD_ALICE": "new secret"})
    assert changed.counts["user"]["updated"] == 1
    alice = store.accounts.get_user("alice")
    assert alice is not None and verify_password(alice.password_hash, "new secret")

    # a password set elsewhere (web admin) survives a file without password_env
    store.accounts.upsert_user(
        User("bruno", "Bruno Keller", "bruno@example.org", alice.password_hash, is_active=False)
    )
    after = apply_config(cfg, store, env={"SOCIALHUB_TEST_PASSWORD_ALICE": "new secret"})
    assert after.changed == 0 and after.users_without_password == []
    bruno = store.accounts.get_user("bruno")
    assert bruno is not None and bruno.password_hash and bruno.is_active is False


def test_unknown_member_fails_before_any_write(store: Store) -> None:
    cfg = parse_config(
        '[[workspace]]\nslug = "w"\nname = "W"\n'
        '[[workspace.member]]\nusername = "ghost"\nrole = "viewer"\n'
    )
    with pytest.raises(
        ConfigError, match=r"workspace\[0\]\.member\[0\]\.username: no user 'ghost'"
    ):
        apply_config(cfg, store)
    assert store.workspaces.list_workspaces() == []


def test_export_selected_workspaces(store: Store) -> None:
    apply_config(load_config(DATA / "hub.toml"), store, env=ENV)
    text = export_config(store, workspaces=["mirabelle-qos"])
    cfg = parse_config(text)
    assert [w.slug for w in cfg.workspaces] == ["mirabelle-qos"]
    assert [u.username for u in cfg.users] == ["bruno"]  # only members of exported workspaces
    with pytest.raises(ValueError, match="no such workspace: nope"):
        export_config(store, workspaces=["nope"])


def test_shipped_example_applies_and_round_trips(store: Store, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "telecom.toml"
    cfg = load_config(example)
    assert cfg.warnings == []
    first = apply_config(cfg, store, env={})
    assert first.counts["workspace"]["created"] == len(cfg.workspaces) >= 1
    assert first.counts["query"]["created"] == sum(len(w.queries) for w in cfg.workspaces)
    exported = tmp_path / "telecom-export.toml"
    exported.write_text(export_config(store), encoding="utf-8")
    assert apply_config(load_config(exported), store, env={}).changed == 0
    assert apply_config(cfg, store, env={}).changed == 0


def test_workspace_settings_apply_export_and_prune(store: Store) -> None:
    text = """
[[workspace]]
slug = "ws"
name = "WS"
  [workspace.settings]
  language = { override = false }
  [[workspace.settings.entities]]
  name = "Mirabelle Télécom"
  type = "brand"
  aliases = ["Mirabelle", "@MirabelleTel"]
"""
    first = apply_config(parse_config(text), store)
    assert first.counts["setting"]["created"] == 2
    ws = store.workspaces.get_workspace("ws")
    assert ws is not None and ws.id is not None
    settings = store.workspaces.get_workspace_settings(ws.id)
    assert settings["entities"][0]["aliases"] == ["Mirabelle", "@MirabelleTel"]
    assert settings["language"] == {"override": False}
    # the export reads back to the same settings, and re-applying it changes nothing
    exported = export_config(store)
    again = apply_config(parse_config(exported), store)
    assert again.changed == 0, again.changes
    # dropping a key from the file and pruning deletes it
    pruned = apply_config(
        parse_config(text.replace("language = { override = false }", "")), store, prune=True
    )
    assert pruned.counts["setting"]["deleted"] == 1
    assert set(store.workspaces.get_workspace_settings(ws.id)) == {"entities"}


def test_a_workspace_language_applies_and_exports(store: Store) -> None:
    cfg = parse_config('[[workspace]]\nslug = "uk"\nname = "UK"\nlocale = "en"\n')
    apply_config(cfg, store, env=ENV)
    ws = store.workspaces.get_workspace("uk")
    assert ws is not None and ws.locale == "en"
    assert 'locale = "en"' in export_config(store)
    plain = parse_config('[[workspace]]\nslug = "fr"\nname = "FR"\n')
    assert plain.workspaces[0].locale == "fr"  # French by default
    with pytest.raises(ConfigError, match="locale"):
        parse_config('[[workspace]]\nslug = "de"\nname = "DE"\nlocale = "de"\n')
