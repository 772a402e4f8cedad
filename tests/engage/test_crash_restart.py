"""The hub is killed between approval and publication: on restart each post goes out
once. A real `socialhub engage publish` process is SIGKILLed while the local X server
holds its request (the post accepted, the answer never sent); a second process then
finishes the job. Its own processes only: the shared services are not touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from socialhub.store.sqlite import SqliteStore

from .fake_x import FakeX
from .fakeserver import running
from .world import TOKEN, TOKEN_ENV, build


def _publish(db: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, TOKEN_ENV: TOKEN}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "socialhub.cli.main",
            "engage",
            "publish",
            "--db",
            db,
            "--lease-seconds",
            "0",
            "--json",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: Any, what: str, limit: float = 30.0) -> None:
    """Wait for an event (not a duration): fails loudly if it never happens."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.slow
def test_killed_mid_publication_posts_once_after_restart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    holder: dict[str, Any] = {}
    fake = FakeX(TOKEN, lambda: holder["clock"]())
    with running(fake):
        store = SqliteStore(db)
        store.migrate()
        w = build(store, fake.url)
        holder["clock"] = w.clock
        eng = w.engagement()
        eng.refresh_inbox(w.ws)
        item = eng.repo.find_item(w.ws.id, "x:1799")
        first = eng.create_draft(
            w.ws,
            w.actor("alice"),
            account_id=w.account.id,
            text="Bonjour Jeanne, c'est en cours.",
            item_id=item.id,
        )
        second = eng.create_draft(
            w.ws, w.actor("alice"), account_id=w.account.id, text="Point trafic de 18 h"
        )
        eng.approve(w.ws, first.id, w.actor("paul"))
        eng.approve(w.ws, second.id, w.actor("paul"))
        store.close()

        fake.faults = ["hang"]  # the first post is taken, its answer never comes
        hub = _publish(db)
        try:
            _wait_for(lambda: len(fake.posts) == 1, "the platform to accept the first post")
        finally:
            hub.send_signal(signal.SIGKILL)
            hub.wait(10)
        assert hub.returncode == -signal.SIGKILL

        restarted = _publish(db)
        _out, err = restarted.communicate(timeout=60)
        assert restarted.returncode == 0, err.decode()

    texts = [p["text"] for p in fake.posts]
    assert texts == ["Bonjour Jeanne, c'est en cours.", "Point trafic de 18 h"]
    assert len(fake.writes("/2/tweets")) == 2  # never re-sent
    store = SqliteStore(db)
    try:
        repo = store.engage
        d1, d2 = repo.get_draft(first.id), repo.get_draft(second.id)
        assert d1.status == d2.status == "published"
        assert d1.published_id == fake.posts[0]["id"] and d1.attempts == 1
        assert repo.get_item(item.id).status == "answered"
        chain = store.chain
        assert chain.verify("audit") is None
        publication = [e for e in chain.iter_entries("audit") if e.action == "publication"]
        assert [e.payload["found_existing"] for e in publication] == [True, False]
    finally:
        store.close()
