"""Bluesky, Mastodon, Facebook and YouTube publishers against local servers speaking
their documented formats: replies in thread, rate limits, errors, no double post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from socialhub.engage.publishers.bluesky import BlueskyPublisher, tid
from socialhub.engage.publishers.facebook import FacebookPublisher
from socialhub.engage.publishers.mastodon import MastodonPublisher
from socialhub.engage.publishers.youtube import YouTubePublisher, until_quota_reset
from socialhub.engage.publishing import PostRequest, publish_once
from socialhub.models import Mention

from .fake_others import FakeBluesky, FakeFacebook, FakeMastodon, FakeYouTube
from .fakeserver import running
from .test_publish_x import FakeClock

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _once(pub, req, clock):  # type: ignore[no-untyped-def]
    return publish_once(pub, req, previous_attempts=0, on_attempt=lambda n: None, sleep=clock.sleep)


# -- Bluesky ------------------------------------------------------------------------------


def test_tid_is_deterministic_and_well_formed() -> None:
    a, b = tid(T0, "k1"), tid(T0, "k1")
    assert a == b and len(a) == 13 and a != tid(T0, "k2")
    assert set(a) <= set("234567abcdefghijklmnopqrstuvwxyz") and a[0] in "234567abcdefghij"


def test_bluesky_reply_carries_root_and_parent_refs(clock: FakeClock) -> None:
    with running(FakeBluesky("app-pw", clock)) as fake:
        pub = BlueskyPublisher("mirabelle.fr", "app-pw", base_url=fake.url, clock=clock)
        target = Mention("bluesky", "at://did:plc:jeanne/app.bsky.feed.post/3kchild", "?", T0)
        done = pub.publish(PostRequest("Bonjour !", "k1", T0, target))
        record = fake.writes("createRecord")[0].json()["record"]
        assert record["reply"]["parent"] == {
            "uri": "at://did:plc:jeanne/app.bsky.feed.post/3kchild",
            "cid": "bafychild",
        }
        assert record["reply"]["root"]["cid"] == "bafyroot"
        assert done.id == f"at://did:plc:mirabelle/app.bsky.feed.post/{tid(T0, 'k1')}"


def test_bluesky_timeout_then_retry_finds_the_record(clock: FakeClock) -> None:
    with running(FakeBluesky("app-pw", clock)) as fake:
        fake.faults = ["429", "hang"]
        pub = BlueskyPublisher(
            "mirabelle.fr", "app-pw", base_url=fake.url, clock=clock, timeout=2.0
        )
        outcome = _once(pub, PostRequest("Info", "k9", T0), clock)
        assert outcome.published is not None and outcome.published.found_existing
        assert len(fake.records) == 1 and clock.slept[0] == 12.0


def test_bluesky_bad_password_is_final(clock: FakeClock) -> None:
    with running(FakeBluesky("app-pw", clock)) as fake:
        pub = BlueskyPublisher("mirabelle.fr", "nope", base_url=fake.url, clock=clock)
        outcome = _once(pub, PostRequest("Info", "k", T0), clock)
        assert outcome.final and outcome.published is None and fake.records == {}


# -- Mastodon ------------------------------------------------------------------------------


def test_mastodon_reply_resolves_the_status_and_sends_an_idempotency_key(
    clock: FakeClock,
) -> None:
    with running(FakeMastodon("m-tok", clock)) as fake:
        pub = MastodonPublisher("m-tok", base_url=fake.url, clock=clock)
        target = Mention("mastodon", "https://piaille.fr/users/jeanne/statuses/77", "?", T0)
        done = pub.publish(PostRequest("Bonjour Jeanne", "key-m", T0, target))
        write = fake.writes("/api/v1/statuses")[0]
        assert write.json() == {
            "status": "Bonjour Jeanne",
            "visibility": "public",
            "in_reply_to_id": "9001",
        }
        assert write.headers["idempotency-key"] == "key-m"
        assert done.url.endswith(done.id)


def test_mastodon_429_waits_until_the_reset_time(clock: FakeClock) -> None:
    with running(FakeMastodon("m-tok", clock)) as fake:
        fake.faults = ["429"]
        pub = MastodonPublisher("m-tok", base_url=fake.url, clock=clock)
        outcome = _once(pub, PostRequest("Info", "k", T0), clock)
        assert outcome.published is not None and clock.slept == [300.0]
        assert len(fake.statuses) == 1


def test_mastodon_dropped_answer_is_found_among_own_statuses(clock: FakeClock) -> None:
    with running(FakeMastodon("m-tok", clock)) as fake:
        fake.faults = ["drop"]
        pub = MastodonPublisher("m-tok", base_url=fake.url, clock=clock)
        outcome = _once(pub, PostRequest("Une <b>fois</b> & pas deux", "k", T0), clock)
        assert outcome.published is not None and outcome.published.found_existing
        assert len(fake.statuses) == 1


def test_mastodon_unknown_target_is_a_clear_final_error(clock: FakeClock) -> None:
    with running(FakeMastodon("m-tok", clock)) as fake:
        pub = MastodonPublisher("m-tok", base_url=fake.url, clock=clock)
        target = Mention("mastodon", "https://ailleurs.example/s/1", "?", T0)
        outcome = _once(pub, PostRequest("x", "k", T0, target), clock)
        assert outcome.final and "cannot find" in outcome.error and fake.statuses == []


# -- Facebook ------------------------------------------------------------------------------


def test_facebook_page_post_and_comment_reply(clock: FakeClock) -> None:
    with running(FakeFacebook("fb-tok", clock)) as fake:
        pub = FacebookPublisher("fb-tok", fake.PAGE, base_url=fake.url + "/v21.0", clock=clock)
        post = pub.publish(PostRequest("Nouvelle offre", "k", T0))
        assert post.id.startswith(fake.PAGE + "_")
        target = Mention("facebook", "1122334455_42", "?", T0)
        reply = pub.publish(PostRequest("Merci !", "k2", T0, target))
        writes = fake.writes("/v21.0/")
        assert writes[0].path == f"/v21.0/{fake.PAGE}/feed"
        assert writes[1].path == "/v21.0/1122334455_42/comments"
        assert writes[1].form() == {"message": "Merci !"}
        assert "access_token" not in writes[1].query  # the token stays out of URLs
        assert reply.id.startswith("1122334455_42_")


def test_facebook_throttling_waits_the_usage_header(clock: FakeClock) -> None:
    with running(FakeFacebook("fb-tok", clock)) as fake:
        fake.faults = ["429", "drop"]
        pub = FacebookPublisher("fb-tok", fake.PAGE, base_url=fake.url + "/v21.0", clock=clock)
        outcome = _once(pub, PostRequest("Info trafic", "k", T0), clock)
        assert clock.slept[0] == 180.0  # estimated_time_to_regain_access: 3 minutes
        assert outcome.published is not None and outcome.published.found_existing
        assert len(fake.items) == 1


def test_facebook_invalid_token_is_final(clock: FakeClock) -> None:
    with running(FakeFacebook("fb-tok", clock)) as fake:
        pub = FacebookPublisher("bad", fake.PAGE, base_url=fake.url + "/v21.0", clock=clock)
        outcome = _once(pub, PostRequest("x", "k", T0), clock)
        assert outcome.final and "code 190" in outcome.error


# -- YouTube --------------------------------------------------------------------------------


def test_youtube_reply_goes_under_the_top_level_comment(clock: FakeClock) -> None:
    with running(FakeYouTube("yt-tok", clock)) as fake:
        pub = YouTubePublisher(
            "yt-tok", fake.CHANNEL, base_url=fake.url + "/youtube/v3", clock=clock
        )
        reply_to_reply = Mention(
            "youtube", "UgzTop.child", "?", T0, kind="reply", reply_to="youtube:UgzTop"
        )
        pub.publish(PostRequest("Bonjour", "k", T0, reply_to_reply))
        assert fake.writes("/comments")[0].json() == {
            "snippet": {"parentId": "UgzTop", "textOriginal": "Bonjour"}
        }
        video = Mention("youtube", "dQw4w9WgXcQ", "video", T0, kind="post")
        pub.publish(PostRequest("Merci", "k2", T0, video))
        body = fake.writes("/commentThreads")[0].json()
        assert body["snippet"]["videoId"] == "dQw4w9WgXcQ"
        with pytest.raises(Exception, match="no text posts"):
            pub.publish(PostRequest("Seul", "k3", T0))


def test_youtube_quota_waits_until_pacific_midnight(clock: FakeClock) -> None:
    with running(FakeYouTube("yt-tok", clock)) as fake:
        fake.faults = ["429"]
        pub = YouTubePublisher(
            "yt-tok", fake.CHANNEL, base_url=fake.url + "/youtube/v3", clock=clock
        )
        video = Mention("youtube", "vid1", "video", T0)
        outcome = publish_once(
            pub,
            PostRequest("Merci", "k", T0, video),
            previous_attempts=0,
            on_attempt=lambda n: None,
            sleep=clock.sleep,
            max_wait=86400,
        )
        # 09:00 UTC is 01:00 in Los Angeles: 23 hours to the quota reset
        assert clock.slept == [until_quota_reset(T0)] == [timedelta(hours=23).total_seconds()]
        assert outcome.published is not None and len(fake.comments) == 1


def test_a_wait_longer_than_allowed_is_left_to_the_scheduler(clock: FakeClock) -> None:
    with running(FakeYouTube("yt-tok", clock)) as fake:
        fake.faults = ["429"]
        pub = YouTubePublisher(
            "yt-tok", fake.CHANNEL, base_url=fake.url + "/youtube/v3", clock=clock
        )
        outcome = _once(pub, PostRequest("Merci", "k", T0, Mention("youtube", "v", "v", T0)), clock)
        assert outcome.published is None and not outcome.final and clock.slept == []
        assert "retry in" in outcome.error
