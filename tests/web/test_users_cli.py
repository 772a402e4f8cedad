"""`socialhub users`: accounts, roles, passwords from a prompt or the environment, tokens."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli.users_cmds import app
from socialhub.config.passwords import verify_password
from socialhub.models import Workspace
from socialhub.store import open_store
from socialhub.web.bootstrap import ensure_admin
from socialhub.web.security import digest


def _run(db: str, *args: str, env: dict[str, str] | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--db", db], env=env, input=stdin)


def test_users_add_list_set_role_passwd_and_tokens(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    store = open_store(db)
    store.migrate()
    store.workspaces.upsert_workspace(Workspace("com", "Com"))
    env = {"PW": "a-long-password"}
    r = _run(
        db,
        "add",
        "alice",
        "--workspace",
        "com",
        "--role",
        "analyst",
        "--password-env",
        "PW",
        env=env,
    )
    assert r.exit_code == 0, r.output
    alice = store.accounts.get_user("alice")
    assert alice is not None and verify_password(alice.password_hash, "a-long-password")
    assert _run(db, "add", "alice", "--password-env", "PW", env=env).exit_code == 2  # exists
    # prompt (hidden, confirmed); too short refused
    assert _run(db, "add", "bob", stdin="short\nshort\n").exit_code != 0
    r = _run(db, "add", "bob", stdin="another-password\nanother-password\n")
    assert r.exit_code == 0, r.output
    assert _run(db, "set-role", "bob", "com", "viewer").exit_code == 0
    assert _run(db, "set-role", "bob", "--site-admin").exit_code == 0
    assert _run(db, "set-role", "bob", "com", "boss").exit_code != 0
    listed = json.loads(_run(db, "list", "--json").stdout)
    assert {u["username"]: (u["roles"], u["site_admin"]) for u in listed} == {
        "alice": ({"com": "analyst"}, False),
        "bob": ({"com": "viewer"}, True),
    }
    assert _run(db, "set-role", "bob", "com", "none").exit_code == 0
    assert store.accounts.list_memberships(user_id=store.accounts.get_user("bob").id) == []  # type: ignore[union-attr]
    # passwd ends the user's sessions
    r = _run(db, "passwd", "alice", "--password-env", "PW", "--json", env={"PW": "new-password-1"})
    assert r.exit_code == 0 and json.loads(r.stdout)["sessions_ended"] == 0
    alice = store.accounts.get_user("alice")
    assert alice is not None and verify_password(alice.password_hash, "new-password-1")
    # tokens: printed once, stored hashed, listed without value, revocable
    made = json.loads(_run(db, "token", "alice", "--name", "ci", "--json").stdout)
    assert made["token"].startswith("shub_")
    assert store.sessions.find_api_token(digest(made["token"])) is not None
    listed_tokens = json.loads(_run(db, "token", "alice", "--json").stdout)
    assert [t["name"] for t in listed_tokens] == ["ci"] and "token" not in listed_tokens[0]
    assert _run(db, "token", "alice", "--revoke", str(made["id"])).exit_code == 0
    assert store.sessions.find_api_token(digest(made["token"])) is None
    assert _run(db, "token", "alice", "--revoke", str(made["id"])).exit_code == 2
    store.close()


def test_first_admin_only_when_nobody_can_log_in(sqlite_store) -> None:  # type: ignore[no-untyped-def]
    said: list[str] = []
    password = ensure_admin(sqlite_store.accounts, said.append)
    assert password and password in said[0]
    admin = sqlite_store.accounts.get_user("admin")
    assert admin is not None and verify_password(admin.password_hash, password)
    assert sqlite_store.accounts.site_admin_ids() == {admin.id}
    assert ensure_admin(sqlite_store.accounts, said.append) is None and len(said) == 1


def test_set_password_from_stdin_and_deactivation(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    store = open_store(db)
    store.migrate()
    env = {"PW": "a-long-password"}
    assert _run(db, "add", "root", "--site-admin", "--password-env", "PW", env=env).exit_code == 0
    assert _run(db, "add", "carol", "--password-env", "PW", env=env).exit_code == 0
    carol = store.accounts.get_user("carol")
    assert carol is not None and carol.id is not None
    # the password is read from stdin (never argv) and follows the web's rule
    r = _run(db, "set-password", "carol", "--password-stdin", stdin="1234567890\n")
    assert r.exit_code != 0 and "too easy" in r.output
    r = _run(db, "set-password", "carol", "--password-stdin", stdin="Prune-Violette-42\n")
    assert r.exit_code == 0, r.output
    assert verify_password(store.accounts.get_user("carol").password_hash, "Prune-Violette-42")  # type: ignore[union-attr]
    # deactivate: sessions and tokens end; set-password does not reactivate
    token = json.loads(_run(db, "token", "carol", "--name", "ci", "--json").stdout)["token"]
    r = _run(db, "deactivate", "carol", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == {
        "username": "carol",
        "active": False,
        "changed": True,
    }
    assert store.sessions.find_api_token(digest(token)) is None
    r = _run(db, "passwd", "carol", "--password-stdin", stdin="Prune-Violette-43\n")
    assert r.exit_code == 0 and not store.accounts.get_user("carol").is_active  # type: ignore[union-attr]
    listed = {u["username"]: u["active"] for u in json.loads(_run(db, "list", "--json").stdout)}
    assert listed == {"root": True, "carol": False}
    # the last active site administrator stays
    r = _run(db, "deactivate", "root")
    assert r.exit_code == 2 and "last active site administrator" in r.output
    assert _run(db, "activate", "carol").exit_code == 0
    assert store.accounts.get_user("carol").is_active  # type: ignore[union-attr]
    events = store.accounts.list_user_events(carol.id)  # type: ignore[attr-defined]
    assert [e.kind for e in events] == [
        "activated",
        "password_changed",
        "deactivated",
        "password_changed",
    ]
    assert all(e.actor.startswith("cli") for e in events)
    store.close()


def test_users_add_refuses_unsafe_usernames(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    open_store(db).migrate()
    env = {"PW": "a-long-password"}
    for bad in ("a/b", "<script>", "bob smith", "", "_x", "x" * 65):
        r = _run(db, "add", bad, "--password-env", "PW", env=env)
        assert r.exit_code == 2, (bad, r.output)
        assert "letters, digits" in r.output
    assert open_store(db).accounts.list_users() == []
    assert _run(db, "add", "jean.dupont@corp", "--password-env", "PW", env=env).exit_code == 0
