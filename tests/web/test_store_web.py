"""The web tables and dashboard reads give the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from socialhub.records.sessions import ApiToken, WebSession
from socialhub.store.dashboard import SLOT_SECONDS

from .helpers import NOW, Clock, build_world


def test_sessions_tokens_failures_and_site_admins(store) -> None:  # type: ignore[no-untyped-def]
    world = build_world(store, Clock())
    uid = world.users["viewer"].id
    store.sessions.create_session(WebSession("h1", uid, "csrf", NOW, NOW, "127.0.0.1", "pw"))
    got = store.sessions.get_session("h1")
    assert got is not None and (got.user_id, got.csrf_token, got.created_at) == (uid, "csrf", NOW)
    store.sessions.touch_session("h1", NOW + timedelta(minutes=5))
    assert store.sessions.get_session("h1").last_seen_at == NOW + timedelta(minutes=5)
    store.sessions.create_session(WebSession("h2", uid, "c2", NOW - timedelta(days=8), NOW, "", ""))
    assert (
        store.sessions.purge_sessions(
            seen_before=NOW - timedelta(hours=8), created_before=NOW - timedelta(days=7)
        )
        == 1
    )
    assert (
        store.sessions.get_session("h2") is None and store.sessions.delete_user_sessions(uid) == 1
    )
    token = store.sessions.add_api_token(ApiToken(uid, "ci", "shub_abcde", NOW), "hash1")
    assert store.sessions.find_api_token("hash1") == token
    assert store.sessions.revoke_api_token(world.users["admin"].id, token.id, NOW) is False
    assert store.sessions.revoke_api_token(uid, token.id, NOW) is True
    assert store.sessions.find_api_token("hash1") is None
    assert store.sessions.list_api_tokens(uid)[0].revoked_at == NOW
    for minutes in (1, 2, 20):
        store.sessions.add_login_failure("viewer|ip", NOW - timedelta(minutes=minutes))
    assert store.sessions.login_failures("viewer|ip", NOW - timedelta(minutes=15)) == [
        NOW - timedelta(minutes=2),
        NOW - timedelta(minutes=1),
    ]
    store.sessions.clear_login_failures("viewer|ip")
    assert store.sessions.login_failures("viewer|ip", NOW - timedelta(days=1)) == []
    assert store.accounts.site_admin_ids() == {world.users["root"].id}
    store.accounts.set_site_admin(uid, True)
    store.accounts.set_site_admin(uid, True)  # idempotent
    assert store.accounts.site_admin_ids() == {world.users["root"].id, uid}


def test_dashboard_reads(store) -> None:  # type: ignore[no-untyped-def]
    world = build_world(store, Clock())
    com = world.ws["com"].id
    since, until = NOW - timedelta(days=2), NOW
    slots = store.dashboard.query_volume_slots(com, since, until)
    brand, rival = world.queries["brand"].id, world.queries["rival"].id
    hour = 3600 // SLOT_SECONDS
    now_slot = int(NOW.timestamp()) // SLOT_SECONDS
    assert sorted(slots) == sorted(
        [
            (brand, now_slot - 1 * hour, 1),
            (brand, now_slot - 2 * hour, 1),
            (brand, now_slot - 26 * hour, 1),
            (rival, now_slot - 3 * hour, 1),
        ]
    )
    labels = {(label, n) for label, _, n in store.dashboard.sentiment_slots(com, since, until)}
    assert labels == {("negative", 1), ("positive", 1), ("none", 1)}
    assert [a.handle for a in store.dashboard.top_authors(com, since, until, limit=3)] == [
        "author1",
        "author0",
        "author2",
    ]
    page, cursor = store.dashboard.search_page(None, workspace_id=com, limit=3)
    assert [m.native_id for m in page] == ["1", "2", "4"] and cursor == "x:4"
    rest, end = store.dashboard.search_page(None, workspace_id=com, after=cursor, limit=3)
    assert [m.native_id for m in rest] == ["3"] and end is None
    none, _ = store.dashboard.search_page(None, workspace_id=com, sentiment="none")
    assert [m.native_id for m in none] == ["4", "3"]
    assert store.dashboard.facet_counts("platform", "mirabelle", workspace_id=com) == [
        ("x", 2),
        ("bsky", 1),
    ]
    assert store.mentions.mention_workspace_ids("x:5") == {world.ws["qos"].id}
