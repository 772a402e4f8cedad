"""Issue #22.3: one empty-text policy for every connector (docs/connectors.md).

No text but media or a link: a text built from what the post has (story, alt text,
title, link); nothing at all: rejected with the policy's reason (quarantined).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from socialhub.connectors.bluesky.normalize import NormalizeError as BskyError
from socialhub.connectors.bluesky.normalize import from_jetstream
from socialhub.connectors.empty_text import REASON, EmptyText
from socialhub.connectors.facebook.normalize import comment_to_mention, post_to_mention
from socialhub.connectors.mastodon.normalize import NormalizeError as MastoError
from socialhub.connectors.mastodon.normalize import from_status

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PHOTO = "https://scontent.example/photo.jpg"


def fb_post(**fields: Any) -> str:
    item = {"id": "1_2", "created_time": "2026-03-01T10:00:00+0000", **fields}
    return post_to_mention(item, page_id="1", match_query="", collected_at=NOW).text


def fb_comment(**fields: Any) -> str:
    item = {"id": "2_3", "created_time": "2026-03-01T10:00:00+0000", **fields}
    return comment_to_mention(item, post_id="1_2", match_query="", collected_at=NOW).text


def test_facebook_keeps_story_and_message_and_never_stores_empty_text() -> None:
    both = fb_post(story="Fictitel a partagé un lien.", message="La fibre est rétablie.")
    assert both == "Fictitel a partagé un lien.\n\nLa fibre est rétablie."
    assert fb_post(story="Fictitel updated their cover photo.") == (
        "Fictitel updated their cover photo."
    )
    assert fb_post(full_picture=PHOTO) == PHOTO
    card = {"data": [{"title": "Carte des pannes", "unshimmed_url": "https://x.example/c"}]}
    assert fb_post(attachments=card) == "Carte des pannes"
    sticker = {"type": "sticker", "media": {"image": {"src": PHOTO}}}
    assert fb_comment(attachment=sticker) == PHOTO
    with pytest.raises(EmptyText, match="empty-text policy"):
        fb_comment()  # a comment the Graph gives without message nor attachment
    with pytest.raises(EmptyText):
        fb_post(message="   ")


def status(**fields: Any) -> dict[str, Any]:
    account = {"acct": "alice", "username": "alice", "url": "https://social.example/@alice"}
    return {
        "id": "1",
        "uri": "https://social.example/users/alice/statuses/1",
        "created_at": "2026-03-01T10:00:00.000Z",
        "account": account,
        "content": "",
        **fields,
    }


def test_mastodon_media_only_status_gets_its_alt_text_or_url() -> None:
    media = [{"url": PHOTO, "description": "Écran d'erreur de la box"}]
    text = from_status(status(media_attachments=media), host="api.example", collected_via="t").text
    assert text == "Écran d'erreur de la box"
    bare = [{"url": PHOTO, "description": None}]
    assert from_status(status(media_attachments=bare), host="h", collected_via="t").text == PHOTO
    with pytest.raises(MastoError, match="empty-text policy"):
        from_status(status(), host="h", collected_via="t")


def jet(record: dict[str, Any]) -> dict[str, Any]:
    commit = {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3k"}
    return {"kind": "commit", "did": "did:plc:abc", "commit": {**commit, "record": record}}


def test_bluesky_image_post_gets_its_alt_text() -> None:
    images = {"$type": "app.bsky.embed.images", "images": [{"alt": "Carte des coupures"}]}
    record = {"text": "", "createdAt": "2026-03-01T10:00:00Z", "embed": images}
    mention = from_jetstream(jet(record))
    assert mention is not None and mention.text == "Carte des coupures"
    card = {
        "$type": "app.bsky.embed.external",
        "external": {"uri": "https://x.example/a", "title": "", "description": ""},
    }
    mention = from_jetstream(jet({**record, "embed": card}))
    assert mention is not None and mention.text == "https://x.example/a"
    with pytest.raises(BskyError, match="empty-text policy"):
        from_jetstream(jet({"text": "", "createdAt": "2026-03-01T10:00:00Z"}))


def test_the_reason_is_one_sentence() -> None:
    assert REASON == "no text, caption, title, link or media (empty-text policy)"
