"""The engagement rules on both stores: inbox, drafts, approvals, publication, audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from socialhub.connectors.base import Unavailable
from socialhub.engage.publishing import PostRequest
from socialhub.engage.service import EngageError, Forbidden
from socialhub.records.alerts import Alert
from socialhub.store.engage import OfficialAccount

from .fake_x import FakeX
from .fakeserver import running
from .world import T0, EngageWorld, build


@pytest.fixture
def x() -> Iterator[FakeX]:
    holder: dict[str, Any] = {}
    fake = FakeX("tok-123", lambda: holder["clock"]())
    with running(fake):
        fake.holder = holder  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def w(store: Any, x: FakeX) -> EngageWorld:
    world = build(store, x.url)
    x.holder["clock"] = world.clock  # type: ignore[attr-defined]
    return world


def _actions(w: EngageWorld) -> list[str]:
    return [e.action for e in w.store.chain.iter_entries("audit")]


def test_inbox_ranks_what_needs_a_human_with_why(w: EngageWorld) -> None:
    eng = w.engagement()
    assert eng.refresh_inbox(w.ws) == 2
    assert eng.refresh_inbox(w.ws) == 0  # idempotent
    items = eng.repo.list_items(w.ws.id)
    assert [i.mention_id for i in items] == ["x:1799", "x:1800"]  # complaint first
    top = items[0]
    assert top.reason == "complaint" and top.status == "new"
    codes = [c for c, _ in top.why]
    assert codes[:2] == ["complaint", "addressed"] and "followers" in codes
    assert items[1].reason == "question"
    assert eng.repo.list_items(w.other.id) == []


def test_reply_flow_publishes_once_in_the_thread_and_audits(w: EngageWorld, x: FakeX) -> None:
    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    item = eng.repo.list_items(w.ws.id)[0]
    eng.assign(w.ws, item.id, w.actor("alice"), "alice")
    draft = eng.create_draft(
        w.ws,
        w.actor("alice"),
        account_id=w.account.id,
        text="Bonjour Jeanne, nos équipes interviennent.",
        item_id=item.id,
    )
    assert eng.item(w.ws, item.id).status == "waiting_approval"
    with pytest.raises(Forbidden, match="own draft"):
        eng.approve(w.ws, draft.id, w.actor("alice"))
    with pytest.raises(Forbidden):
        eng.approve(w.ws, draft.id, w.actor("vic"))
    w.clock.now += timedelta(minutes=5)
    approved = eng.approve(w.ws, draft.id, w.actor("paul"), "ok")
    assert approved.status == "approved" and x.posts == []  # approval is not publication
    results = eng.publish_due()
    assert [r[0] for r in results] == [draft.id]
    assert len(x.posts) == 1
    assert x.posts[0]["referenced_tweets"] == [{"type": "replied_to", "id": "1799"}]
    done = eng.draft(w.ws, draft.id)
    assert done.status == "published" and done.published_id == x.posts[0]["id"]
    answered = eng.item(w.ws, item.id)
    assert answered.status == "answered" and answered.answered_by == "alice"
    assert answered.first_response_at == T0 + timedelta(minutes=5)
    assert eng.publish_due() == []  # nothing twice
    chain = w.store.chain
    assert chain.verify("audit") is None
    assert _actions(w) == [
        "inbox.assigned",
        "draft.created",
        "approval.denied",
        "approval.denied",
        "draft.approved",
        "publication.attempt",
        "publication",
    ]
    last = chain.head("audit")
    assert last is not None and last.payload["platform_id"] == x.posts[0]["id"]


def test_undeclared_or_foreign_account_is_refused_and_audited(w: EngageWorld, x: FakeX) -> None:
    eng = w.engagement()
    with pytest.raises(Forbidden, match="not a declared official account"):
        eng.refuse_undeclared(w.ws, w.actor("alice"), "x", "@jeanne_perso")
    with pytest.raises(Forbidden, match="not declared for workspace"):
        eng.create_draft(w.other, w.actor("alice"), account_id=w.account.id, text="Bonjour")
    with pytest.raises(Forbidden):
        eng.create_draft(w.ws, w.actor("alice"), account_id=9999, text="Bonjour")
    refused = [e for e in w.store.chain.iter_entries("audit")]
    assert [e.action for e in refused] == ["publish.refused"] * 3
    assert refused[0].subject == "account:x:@jeanne_perso"
    assert x.posts == []


def test_two_approvers_during_an_incident(w: EngageWorld, x: FakeX) -> None:
    w.store.alerts.save_alert(
        Alert(
            "burst",
            "volume",
            "1",
            "k",
            "Panne nationale",
            8,
            T0,
            T0,
            10,
            1,
            3,
            5,
            workspace_id=w.ws.id,
        )
    )
    eng = w.engagement()
    d = eng.create_draft(w.ws, w.actor("alice"), account_id=w.account.id, text="Point info")
    assert d.approvals_needed == 2
    assert eng.approve(w.ws, d.id, w.actor("paul")).status == "waiting"
    with pytest.raises(EngageError, match="already"):
        eng.approve(w.ws, d.id, w.actor("paul"))
    assert eng.approve(w.ws, d.id, w.actor("pia")).status == "approved"
    assert "draft.approval" in _actions(w) and "draft.approved" in _actions(w)


def test_account_flagged_two_approvers(w: EngageWorld) -> None:

    repo = w.store.engage
    flagged = OfficialAccount(
        "x", "mirabelle_pdg", "PDG", "", ["mirabelle-com"], {"token": "T"}, "", two_approvers=True
    )
    acc, _ = repo.upsert_account(flagged, T0)
    d = w.engagement().create_draft(w.ws, w.actor("alice"), account_id=acc.id, text="Merci")
    assert d.approvals_needed == 2


def test_refusal_sends_the_item_back(w: EngageWorld) -> None:
    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    item = eng.repo.list_items(w.ws.id)[0]
    d = eng.create_draft(
        w.ws, w.actor("alice"), account_id=w.account.id, text="Hum", item_id=item.id
    )
    assert eng.refuse(w.ws, d.id, w.actor("paul"), "ton trop sec").status == "refused"
    assert eng.item(w.ws, item.id).status == "new"
    edited = eng.edit_draft(w.ws, d.id, w.actor("alice"), "Bonjour, toutes nos excuses.")
    assert edited.status == "waiting" and edited.text.startswith("Bonjour")
    assert "draft.refused" in _actions(w) and "draft.edited" in _actions(w)


def test_scheduled_post_waits_for_its_time(w: EngageWorld, x: FakeX) -> None:
    eng = w.engagement()
    d = eng.create_draft(
        w.ws,
        w.actor("alice"),
        account_id=w.account.id,
        text="Demain 8h",
        scheduled_at=T0 + timedelta(hours=2),
    )
    eng.approve(w.ws, d.id, w.actor("paul"))
    assert eng.publish_due() == [] and x.posts == []
    w.clock.now = T0 + timedelta(hours=2)
    assert [r[0] for r in eng.publish_due()] == [d.id]
    assert len(x.posts) == 1 and "referenced_tweets" not in x.posts[0]


def test_crash_after_claim_recovers_after_the_lease_and_posts_once(
    w: EngageWorld, x: FakeX
) -> None:
    eng = w.engagement()
    d = eng.create_draft(w.ws, w.actor("alice"), account_id=w.account.id, text="Une fois")
    eng.approve(w.ws, d.id, w.actor("paul"))
    x.faults = ["drop"]  # accepted, answer lost; then this "process" dies
    # what publish_draft does before sending: claim, record the attempt, send
    claimed = eng._claim(d.id)
    assert claimed is not None
    eng._attempt(claimed, w.account, 1)
    with pytest.raises(Unavailable):  # the platform took it; the answer was lost
        eng.publisher_factory(w.account, clock=w.clock, env=eng.env).publish(
            PostRequest(claimed.text, claimed.client_key, claimed.created_at)
        )
    assert len(x.posts) == 1
    restarted = w.engagement()
    assert restarted.publish_due() == [(d.id, None)]  # still within the lease: hands off
    w.clock.now += timedelta(minutes=3)
    outcome = restarted.publish_due()[0][1]
    assert outcome is not None and outcome.published is not None
    assert outcome.published.found_existing and len(x.posts) == 1
    assert restarted.draft(w.ws, d.id).published_id == x.posts[0]["id"]
    assert w.store.chain.verify("audit") is None


def test_text_too_long_and_wrong_platform_are_clear_errors(w: EngageWorld) -> None:
    eng = w.engagement()
    with pytest.raises(EngageError, match="280"):
        eng.create_draft(w.ws, w.actor("alice"), account_id=w.account.id, text="a" * 281)
    with pytest.raises(Forbidden, match="viewer"):
        eng.create_draft(w.ws, w.actor("vic"), account_id=w.account.id, text="Salut")


def test_collision_warning(w: EngageWorld) -> None:
    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    item = eng.repo.list_items(w.ws.id)[0]
    assert eng.open_item(w.ws, item.id, w.actor("alice"))[1] == []
    w.clock.now += timedelta(minutes=2)
    assert eng.open_item(w.ws, item.id, w.actor("paul"))[1] == ["alice"]
    w.clock.now += timedelta(minutes=30)
    assert eng.open_item(w.ws, item.id, w.actor("alice"))[1] == []


def test_the_report_scheduler_publishes_scheduled_posts(
    w: EngageWorld, x: FakeX, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialhub.reports.scheduler import Scheduler

    monkeypatch.setenv("SOCIALHUB_TEST_X_TOKEN", "tok-123")
    eng = w.engagement()
    # 08:00 in Paris on 8 December is 07:00 UTC
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
    d = eng.create_draft(
        w.ws, w.actor("alice"), account_id=w.account.id, text="Bonjour !", scheduled_at=at
    )
    eng.approve(w.ws, d.id, w.actor("paul"))
    runner = Scheduler(w.store, clock=w.clock)
    w.clock.now = datetime(2026, 12, 8, 6, 59, tzinfo=ZoneInfo("UTC"))
    assert runner.publish_posts() == 0 and x.posts == []
    w.clock.now = datetime(2026, 12, 8, 7, 0, tzinfo=ZoneInfo("UTC"))
    assert runner.publish_posts() == 1 and len(x.posts) == 1
    assert runner.publish_posts() == 0


def test_measures_reach_the_digest_and_weekly_report(w: EngageWorld, x: FakeX) -> None:
    from socialhub.engage.measures import engagement_measures
    from socialhub.reports.build import build

    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    complaint = eng.repo.find_item(w.ws.id, "x:1799")
    eng.assign(w.ws, complaint.id, w.actor("alice"), "alice")
    d = eng.create_draft(
        w.ws, w.actor("alice"), account_id=w.account.id, text="On s'en occupe", item_id=complaint.id
    )
    w.clock.now += timedelta(minutes=10)
    eng.approve(w.ws, d.id, w.actor("paul"))
    eng.publish_due()
    m = engagement_measures(eng.repo, w.ws.id, T0 - timedelta(days=1), T0 + timedelta(hours=1), 60)
    assert m["workspace"]["items"] == 2 and m["workspace"]["answered"] == 1
    assert m["workspace"]["median_first_response_minutes"] == 30.0  # posted 20 min before T0
    assert m["accounts"]["x:@mirabellefr"]["answered"] == 1
    assert m["people"] == {"alice": m["people"]["alice"]}
    assert m["people"]["alice"]["answered_share"] == 1.0
    for kind in ("digest", "competitors"):
        built = build(w.store, w.ws, kind, T0 - timedelta(days=7), T0 + timedelta(hours=1))
        assert built.data["responsiveness"]["workspace"]["answered"] == 1
        assert "Avons-nous répondu" in built.html and "x:@mirabellefr : 1/" in built.html


def test_an_open_legal_case_on_the_thread_needs_a_legal_approval(w: EngageWorld) -> None:
    eng = w.engagement(open_case=lambda mention_id: mention_id == "x:1799")
    eng.refresh_inbox(w.ws)
    item = eng.repo.find_item(w.ws.id, "x:1799")
    d = eng.create_draft(
        w.ws, w.actor("alice"), account_id=w.account.id, text="Sans commentaire", item_id=item.id
    )
    w.store.workspaces.set_workspace_setting(
        w.ws.id, "engagement", {"approver_roles": ["press", "legal"]}
    )
    assert eng.approve(w.ws, d.id, w.actor("paul")).status == "waiting"  # press alone: no
    assert eng.approve(w.ws, d.id, w.actor("lea")).status == "approved"
    last = w.store.chain.head("audit")
    assert last is not None and last.action == "draft.approved"
    partial = [e for e in w.store.chain.iter_entries("audit") if e.action == "draft.approval"]
    assert partial[0].payload["legal_needed"] is True
