"""A workspace's language beside its time zone, and a user's UI language, on SQLite and
PostgreSQL (migration 0019_i15a_locale)."""

from __future__ import annotations

from socialhub.models import User, Workspace
from socialhub.store.base import Store


def test_workspace_and_user_locales_round_trip(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.locale == "fr" and store.workspaces.get_workspace("com") == ws  # the default
    en = store.workspaces.upsert_workspace(Workspace("com", "Com", "Europe/London", locale="en"))
    assert en.id == ws.id
    got = store.workspaces.get_workspace("com")
    assert got is not None and (got.locale, got.timezone) == ("en", "Europe/London")
    assert [w.locale for w in store.workspaces.list_workspaces()] == ["en"]

    user = store.accounts.upsert_user(User("alice", "Alice"))
    assert user.id is not None and store.accounts.get_user("alice").locale == ""  # type: ignore[union-attr]
    assert store.accounts.set_user_locale(user.id, "en")
    assert store.accounts.get_user("alice").locale == "en"  # type: ignore[union-attr]
    # re-applying the configuration (an upsert) keeps the user's own choice
    store.accounts.upsert_user(User("alice", "Alice Martin"))
    assert store.accounts.get_user("alice").locale == "en"  # type: ignore[union-attr]
    assert not store.accounts.set_user_locale(user.id + 1000, "fr")
