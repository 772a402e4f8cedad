"""The ``voice`` stage: official accounts and per-author templates are brand voice (issue 18).

Runs the real chain (near-duplicates, fast sentiment, hashed categories, voice) over a
real store on SQLite and PostgreSQL, and checks that the complaint detector skips what
the stage marked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.analytics.detectors.complaints import ComplaintDetector
from socialhub.models import BRAND_VOICE, Author, Mention, Query, Workspace, is_brand_voice
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import Pipeline
from socialhub.records.engage import OfficialAccount
from socialhub.store.base import Store

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEMPLATE = (
    "Hello, your private message is no longer available. Please send us a new direct "
    "message with your account number so we can look into it. ^{}"
)
ORDER: dict[str, int | None] = {
    "neardup": 300,
    "route": 500,
    "sentiment": 800,
    "categories": 850,
    "voice": 870,
}


def post(i: int, handle: str, text: str) -> Mention:
    author = Author("x", f"id-{handle}", handle=handle)
    return Mention("x", f"p{i}", text, T0 + timedelta(minutes=i), lang="en", author=author)


def test_official_accounts_and_templates_are_brand_voice(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("acme", "Acme"))
    assert ws.id is not None
    store.workspaces.set_workspace_setting(ws.id, "official_accounts", ["@AcmeCare"])
    store.workspaces.upsert_query(Query(ws.id, "acme", "acme OR internet OR refund"))
    store.engage.upsert_account(OfficialAccount("x", "acmetel"), T0)
    settings = {"sentiment_mode": "fast", "categories_method": "hashed"}
    pipe = Pipeline.from_settings(Context(store, settings), ORDER)
    assert "voice" in pipe.names

    # the support script, posted by an undeclared account: a template from the 3rd on
    support = [post(i, "AcmeSupport", TEMPLATE.format(i)) for i in range(5)]
    declared = post(10, "acmetel", "Acme internet outage in Lyon: we are on it, sorry!")
    workspace_own = post(11, "@ACMECARE", "Acme: refund requests are answered within 48 hours")
    # the same complaint from five different customers is no template
    crowd = [
        post(20 + i, f"customer{i}", "Acme internet down again, third outage this week")
        for i in range(5)
    ]
    result = pipe.process([*support, declared, workspace_own, *crowd])
    assert not result.quarantined and len(result.kept) == 12

    for m in (declared, workspace_own):
        assert m.sentiment_label is None and m.sentiment_score is None
        assert [c["name"] for c in m.categories] == [BRAND_VOICE]
        assert {c["reason"] for c in m.categories} == {"official"}
        assert {c["workspace_id"] for c in m.categories} == {ws.id}
    assert [is_brand_voice(m.categories) for m in support] == [False, False, True, True, True]
    assert {c["reason"] for m in support[2:] for c in m.categories} == {"template"}
    assert all(m.sentiment_label is None for m in support[2:])
    for m in crowd:
        assert not is_brand_voice(m.categories)
        assert m.sentiment_label == "negative"

    detector = ComplaintDetector()
    assert all(detector.keys(m) == [] for m in (declared, workspace_own, *support[2:]))
    assert any(detector.keys(m) for m in crowd)

    # the marker survives the store
    store.mentions.add(result.kept)
    for m in (declared, support[3]):
        back = store.mentions.get_mention(m.id)
        assert back is not None and is_brand_voice(back.categories)
        assert back.sentiment_label is None


def test_template_detection_can_be_switched_off(store: Store) -> None:
    settings = {"sentiment_mode": "fast", "categories_method": "hashed", "voice_template_min": 0}
    pipe = Pipeline.from_settings(Context(store, settings), ORDER)
    batch = [post(i, "bot", TEMPLATE.format(i)) for i in range(4)]
    pipe.process(batch)
    assert not any(is_brand_voice(m.categories) for m in batch)
