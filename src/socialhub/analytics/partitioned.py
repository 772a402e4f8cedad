"""Detectors for ONE workspace, with their state checkpointed in the store.

At scale (``socialhub detect-service``) detector state is partitioned by workspace:
each partition is a :class:`WorkspaceDetectorService` that reads every stored mention
through its own consumer group (``detect_ws<id>``), keeps only what concerns its
workspace, and checkpoints its :class:`~.detectors.runner.DetectorSet` into the store
(``detector_checkpoints``) under a lease, so the partition can move to another process
or machine and resume with its baselines (:mod:`socialhub.processes.detect`).

What a partition sees of a mention: the mention with ``query_ids`` cut down to the
workspace's queries. Detectors are fed the mentions that keep at least one query; the
workspace's watchlist triggers are fed every mention (a competitor's executive posting
about anything still alerts). Differences from the embedded service, which sees every
mention in one detector set: detector keys that span workspaces (``all``, complaint
categories over unrouted mentions) are per workspace here, and a high-reach author
alerts a workspace only about that workspace's queries.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
import time
from collections.abc import Mapping
from typing import Any

from socialhub.alerts.routing import Router
from socialhub.analytics.detectors.runner import DetectorSet
from socialhub.analytics.service import DetectorService
from socialhub.bus import Bus
from socialhub.models import Mention
from socialhub.records.signals import Signal
from socialhub.store.base import Store

log = logging.getLogger(__name__)


def partition_name(workspace_id: int) -> str:
    return f"workspace:{workspace_id}"


def group_name(workspace_id: int) -> str:
    """The durable consumer group of a workspace partition on ``mentions.stored``."""
    return f"detect_ws{workspace_id}"


class WorkspaceDetectorService(DetectorService):
    """A :class:`DetectorService` for one workspace, checkpointing into the store.

    ``owner`` is the lease holder's id: checkpoints are written only while the store
    still records this owner for the partition; otherwise ``lost`` becomes true and
    the caller stops the partition.
    """

    def __init__(
        self,
        bus: Bus,
        store: Store,
        config: Mapping[str, Any] | None,
        *,
        workspace_id: int,
        owner: str,
        router: Router | None = None,
    ) -> None:
        # set before DetectorService.__init__, which loads the state and refreshes
        self.workspace_id = workspace_id
        self.partition = partition_name(workspace_id)
        self.owner = owner
        self.own_queries: set[int] = set()
        self.lost = False
        self.fed = 0
        super().__init__(bus, store, config, router=router, group=group_name(workspace_id))

    # -- configuration ------------------------------------------------------------------

    def refresh(self, *, force: bool = False) -> None:
        before = self._refreshed
        super().refresh(force=force)
        if self._refreshed == before:
            return  # rate-limited: nothing re-read
        self.triggers = [t for t in self.triggers if t.workspace_id == self.workspace_id]
        self.own_queries = {
            q.id
            for q in self.store.workspaces.list_queries(self.workspace_id, enabled_only=False)
            if q.id is not None
        }

    def project(self, mention: Mention) -> Mention:
        """The mention as this workspace sees it (its own query ids only)."""
        own = [q for q in mention.query_ids if q in self.own_queries]
        if own == list(mention.query_ids):
            return mention
        return dataclasses.replace(mention, query_ids=own)

    # -- processing ---------------------------------------------------------------------

    def feed_one(self, m: Mention) -> list[Signal]:
        mine = self.project(m)
        signals: list[Signal] = []
        if mine.query_ids:
            self.fed += 1
            signals += self.detectors.feed(mine)
        for trigger in self.triggers:
            signals += trigger.update(mine)
        return signals

    # -- state in the store -------------------------------------------------------------

    def _load_state(self) -> DetectorSet | None:
        data = self.store.checkpoints.load_checkpoint(self.partition)
        if not data:
            return None
        try:
            state = pickle.loads(data)  # written by this class only, never user input
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            log.warning("checkpoint of %s unreadable (%s): starting fresh", self.partition, exc)
            return None
        if isinstance(state, DetectorSet):
            log.info("partition %s resumes at clock %s", self.partition, state.clock)
            return state
        return None

    def checkpoint(self) -> None:
        data = pickle.dumps(self.detectors, protocol=pickle.HIGHEST_PROTOCOL)
        if not self.store.checkpoints.save_checkpoint(self.partition, self.owner, data):
            self.lost = True
            log.warning("partition %s: lease lost, checkpoint not written", self.partition)
        self._saved = time.monotonic()
