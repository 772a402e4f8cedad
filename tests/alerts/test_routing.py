"""Routing by severity and rule, rate caps from the delivery log, retries with backoff."""

from __future__ import annotations

from datetime import timedelta

from socialhub.alerts.channels import DeliveryError
from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.channels.webhook import WebhookChannel
from socialhub.alerts.manager import AlertManager
from socialhub.alerts.routing import RateCap, Route, Router
from socialhub.records.alerts import Alert
from socialhub.store.base import Store

from .helpers import signal
from .servers import http_server


class Broken:
    """A channel that always fails, retryably or not."""

    def __init__(self, retryable: bool) -> None:
        self.name = "broken"
        self.retryable = retryable
        self.calls = 0

    def send(self, alert: Alert, event: str) -> None:
        self.calls += 1
        raise DeliveryError("down", retryable=self.retryable)


def test_routes_by_severity_detector_and_key(store: Store) -> None:
    manager = AlertManager(store)
    inapp = InAppChannel(store)
    with http_server() as (url, inbox):
        hook = WebhookChannel(url, format="slack", name="slack-crisis")
        router = Router(
            store.alerts,
            [inapp, hook],
            [
                Route(["inapp"]),
                Route(["slack-crisis"], min_severity=7, detectors=["volume"], keys=["query:*"]),
            ],
        )
        low = manager.process(signal(0, severity=4, key="query:1"))
        high = manager.process(signal(1, severity=8, key="query:2"))
        term = manager.process(signal(2, severity=9, key="term:panne", detector="terms"))
        merged = manager.process(signal(3, severity=4, key="query:1"))
        sent = {o.action + ":" + o.signal.key: router.handle(o) for o in (low, high, term, merged)}
    assert [d.channel for d in sent["opened:query:1"]] == ["inapp"]
    assert [d.channel for d in sent["opened:query:2"]] == ["inapp", "slack-crisis"]
    assert [d.channel for d in sent["opened:term:panne"]] == ["inapp"]
    assert sent["merged:query:1"] == []  # a merge is not news
    assert len(inbox.requests) == 1
    assert len(store.alerts.list_notifications()) == 3
    assert {d.status for ds in sent.values() for d in ds} == {"sent"}


def test_rate_cap_per_channel_with_crisis_bypass(store: Store) -> None:
    manager = AlertManager(store)
    router = Router(
        store.alerts,
        [InAppChannel(store)],
        [Route(["inapp"])],
        caps={"inapp": RateCap(2, timedelta(hours=1), bypass_severity=9)},
    )
    statuses = []
    for i in range(4):
        out = manager.process(signal(i * 200, key=f"query:{i}", severity=5))
        statuses += [d.status for d in router.handle(out)]
    crisis = manager.process(signal(900, key="query:9", severity=9))
    statuses += [d.status for d in router.handle(crisis)]
    assert statuses == ["sent", "sent", "capped", "capped", "sent"]
    assert len(store.alerts.list_notifications()) == 3
    log = store.alerts.list_deliveries(channel="inapp")
    assert [d.status for d in log] == ["sent", "capped", "capped", "sent", "sent"]  # newest first


def test_retries_with_exponential_backoff_until_the_server_answers(store: Store) -> None:
    alert = AlertManager(store).process(signal(0)).alert
    assert alert is not None
    slept: list[float] = []
    with http_server() as (url, inbox):
        inbox.script = [503, 502, 200]
        router = Router(
            store.alerts,
            [WebhookChannel(url)],
            [Route(["webhook"])],
            retries=3,
            backoff=0.5,
            sleep=slept.append,
        )
        [delivery] = router.dispatch(alert, "opened")
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert slept == [0.5, 1.0]
    assert len(inbox.requests) == 3


def test_gives_up_after_the_retries_and_logs_the_failure(store: Store) -> None:
    alert = AlertManager(store).process(signal(0)).alert
    assert alert is not None
    slept: list[float] = []
    broken = Broken(retryable=True)
    router = Router(
        store.alerts,
        [broken],
        [Route(["broken"])],
        retries=2,
        backoff=1,
        max_backoff=1.5,
        sleep=slept.append,
    )
    [delivery] = router.dispatch(alert, "opened")
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 3, "down")
    assert slept == [1, 1.5]  # capped by max_backoff
    permanent = Broken(retryable=False)
    router = Router(store.alerts, [permanent], [Route(["broken"])], sleep=slept.append)
    [delivery] = router.dispatch(alert, "opened")
    assert (delivery.status, permanent.calls) == ("failed", 1)
    assert [d.status for d in store.alerts.list_deliveries(alert_id=alert.id)] == [
        "failed",
        "failed",
    ]
