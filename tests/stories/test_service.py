"""The story engine inside the live detector service: batches in, stories stored (both
stores), checkpointed with the detectors, switched off by configuration."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.routing import Router
from socialhub.analytics.service import DetectorService, default_routes
from socialhub.analytics.stories.service import StoryDetector
from socialhub.models import Mention, Query, Workspace
from socialhub.store.base import Store

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def _service(store: Store, cfg: dict[str, object], state: Path | None = None) -> DetectorService:
    channels = [InAppChannel(store)]
    router = Router(store, channels, default_routes(channels))
    return DetectorService(None, store, cfg, router=router, state_path=state)  # type: ignore[arg-type]


def test_batches_become_stored_stories(store: Store, tmp_path: Path) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    q = store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne"))
    assert q.id is not None
    svc = _service(store, {"only": ["volume"]}, tmp_path / "state.pkl")
    posts = [
        Mention("x", f"p{i}", f"Panne réseau à Lyon depuis {i} heures #MirabelleDown",
                T0 + timedelta(minutes=i), query_ids=[q.id])
        for i in range(4)
    ] + [Mention("x", "r1", "pareil ici", T0 + timedelta(minutes=5), kind="reply",
                 reply_to="x:p0")]  # fmt: skip
    store.mentions.add(posts)
    svc.handle(posts[:2])
    repo = store.stories
    assert repo.list_stories(ws.id) == []  # under min_size (3): nothing written yet
    svc.handle(posts[2:])
    (story,) = repo.list_stories(ws.id)
    assert story.size == 5 and story.first_mention_id == "x:p0"
    assert story.id is not None
    assert sorted(repo.member_ids(ws.id, story.id)) == sorted(m.id for m in posts)
    svc.checkpoint()
    again = _service(store, {"only": ["volume"]}, tmp_path / "state.pkl")
    engine = again.detectors.detectors["stories"]
    assert isinstance(engine, StoryDetector)
    assert engine.engine.stories[story.key].size == 5  # resumed from the checkpoint
    assert pickle.loads(pickle.dumps(engine)).engine.stories[story.key].size == 5


def test_switched_off(store: Store) -> None:
    svc = _service(store, {"only": ["volume"], "stories": {"enabled": False}})
    assert "stories" not in svc.detectors.detectors and svc.stories is None


def test_the_service_tells_the_engine_each_workspaces_generic_words(store: Store) -> None:
    """The brand's names (query words, brand entities) are read from the store on every
    refresh; a hashtag written as one in a query stays an event tag."""
    ws = store.workspaces.upsert_workspace(Workspace("com", "Communication"))
    assert ws.id is not None
    store.workspaces.upsert_query(
        Query(ws.id, "Marque", '("Mirabelle Télécom" OR mirabelle OR #MirabelleDown) NOT prune')
    )
    brand = {"name": "Mirabelle Télécom", "type": "brand", "aliases": ["Mira Telecom"]}
    store.workspaces.set_workspace_setting(ws.id, "entities", [brand])
    svc = _service(store, {"only": ["volume"]})
    det = svc.detectors.detectors["stories"]
    assert isinstance(det, StoryDetector)
    assert det.generic[ws.id] == {"mirabelle", "mirabelletelecom", "miratelecom"}
    assert det.engine._is_generic(ws.id, "#Mirabelle")
    assert not det.engine._is_generic(ws.id, "#MirabelleDown")
