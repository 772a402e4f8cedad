"""The X publisher and the publish-once loop against a local X-format server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from socialhub.engage.publishers.x import XPublisher
from socialhub.engage.publishing import PostRequest, publish_once
from socialhub.models import Mention

from .fake_x import FakeX
from .fakeserver import running

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = T0
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:  # time passes without waiting
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def x(clock: FakeClock) -> Iterator[FakeX]:
    with running(FakeX("tok-123", clock)) as server:
        yield server  # type: ignore[misc]


def _target() -> Mention:
    return Mention("x", "1799", "@MirabelleFR panne depuis ce matin ?", T0 - timedelta(hours=1))


def _publisher(x: FakeX, clock: FakeClock, timeout: float = 5.0) -> XPublisher:
    return XPublisher("tok-123", "MirabelleFR", base_url=x.url, clock=clock, timeout=timeout)


def _request(text: str = "Bonjour, nos équipes sont dessus.", target: Mention | None = None):  # type: ignore[no-untyped-def]
    return PostRequest(text, "key-1", T0, target if target is not None else _target())


def test_reply_goes_in_the_thread_in_the_documented_shape(x: FakeX, clock: FakeClock) -> None:
    pub = _publisher(x, clock)
    done = pub.publish(_request())
    assert done.id == x.posts[0]["id"]
    assert done.url == f"https://x.com/MirabelleFR/status/{done.id}"
    body = x.writes("/2/tweets")[0].json()
    assert body == {
        "text": "Bonjour, nos équipes sont dessus.",
        "reply": {"in_reply_to_tweet_id": "1799"},
    }
    assert x.writes("/2/tweets")[0].headers["authorization"] == "Bearer tok-123"


def test_new_post_with_reply_settings(x: FakeX, clock: FakeClock) -> None:
    pub = _publisher(x, clock)
    req = PostRequest("Info trafic", "k2", T0, None, "following")
    pub.publish(req)
    assert x.writes("/2/tweets")[0].json() == {"text": "Info trafic", "reply_settings": "following"}


def test_timeout_after_accepting_never_posts_twice(x: FakeX, clock: FakeClock) -> None:
    x.faults = ["hang"]  # the post is stored, the answer never comes
    pub = _publisher(x, clock, timeout=2.0)
    attempts: list[int] = []
    outcome = publish_once(
        pub, _request(), previous_attempts=0, on_attempt=attempts.append, sleep=clock.sleep
    )
    assert outcome.published is not None and outcome.published.found_existing
    assert outcome.published.id == x.posts[0]["id"]
    assert len(x.posts) == 1 and len(x.writes("/2/tweets")) == 1
    assert attempts == [1]
    assert any("/tweets" in r.path and r.method == "GET" for r in x.requests)


def test_dropped_answer_then_restart_checks_before_sending(x: FakeX, clock: FakeClock) -> None:
    x.faults = ["drop"]
    pub = _publisher(x, clock)
    first = publish_once(
        pub,
        _request(),
        previous_attempts=0,
        on_attempt=lambda n: None,
        sleep=clock.sleep,
        max_attempts=1,
    )
    assert first.published is None and len(x.posts) == 1
    # a new process, knowing only that one attempt was made
    again = publish_once(
        _publisher(x, clock),
        _request(),
        previous_attempts=1,
        on_attempt=lambda n: None,
        sleep=clock.sleep,
    )
    assert again.published is not None and again.published.id == x.posts[0]["id"]
    assert len(x.writes("/2/tweets")) == 1


def test_429_waits_as_the_headers_say_on_a_fake_clock(x: FakeX, clock: FakeClock) -> None:
    x.faults = ["429"]
    outcome = publish_once(
        _publisher(x, clock),
        _request(),
        previous_attempts=0,
        on_attempt=lambda n: None,
        sleep=clock.sleep,
    )
    assert outcome.published is not None and not outcome.published.found_existing
    assert clock.slept == [37.0]  # x-rate-limit-reset was now + 37 s
    assert outcome.waits == (37.0,)
    assert len(x.posts) == 1


def test_5xx_backs_off_then_checks_then_posts(x: FakeX, clock: FakeClock) -> None:
    x.faults = ["500"]
    outcome = publish_once(
        _publisher(x, clock),
        _request(),
        previous_attempts=0,
        on_attempt=lambda n: None,
        sleep=clock.sleep,
    )
    assert outcome.published is not None and outcome.attempts == 2
    assert clock.slept == [2.0] and len(x.posts) == 1


def test_rejected_credentials_stop_at_once(x: FakeX, clock: FakeClock) -> None:
    pub = XPublisher("wrong", "MirabelleFR", base_url=x.url, clock=clock)
    outcome = publish_once(
        pub, _request(), previous_attempts=0, on_attempt=lambda n: None, sleep=clock.sleep
    )
    assert outcome.published is None and outcome.final
    assert "credential rejected" in outcome.error and "wrong" not in outcome.error
    assert x.posts == [] and clock.slept == []


def test_same_text_elsewhere_is_not_taken_for_ours(x: FakeX, clock: FakeClock) -> None:
    pub = _publisher(x, clock)
    pub.publish(PostRequest("Merci !", "a", T0, _target()))
    other = Mention("x", "555", "autre fil", T0)
    assert pub.find_existing(PostRequest("Merci !", "b", T0, other)) is None
    assert pub.find_existing(PostRequest("Merci !", "a", T0, _target())) is not None


def test_the_address_guard_refuses_a_loopback_platform_url_not_allowed(
    x: FakeX, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALHUB_FETCH_ALLOW")
    outcome = publish_once(
        _publisher(x, clock),
        _request(),
        previous_attempts=0,
        on_attempt=lambda n: None,
        sleep=clock.sleep,
    )
    assert outcome.final and "address guard" in outcome.error
    assert x.requests == [] and x.posts == []
