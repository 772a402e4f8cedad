"""Relevance labels and trained relevance models, shared by both stores.

SQL is written with ``?`` placeholders and goes through ``self._sql`` (PostgreSQL
translates them to ``%s``); times through ``self._now``/``self._dt``; labels are stored
as 0/1 in SQLite and BOOLEAN in PostgreSQL, so they are read back with ``bool()``.
The mixin relies on the primitives of :class:`socialhub.store.admin.AdminMixin`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialhub.records.relevance import (
    LabelledText,
    RelevanceCounts,
    RelevanceLabel,
    RelevanceModelRecord,
)
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.sqlbase import Repo


class RelevanceRepo(Repo):
    """Labels (``relevance_labels``) and models (``relevance_models``) per query."""

    # -- labels -----------------------------------------------------------------------

    def add_labels(self, labels: Sequence[RelevanceLabel]) -> int:
        """Insert or replace labels (the last verdict on a (query, mention) wins)."""
        if not labels:
            return 0
        now = self._now()
        rows = [
            (
                lab.query_id,
                clean(lab.mention_id),
                bool(lab.label),
                clean(lab.username),
                self._ts(lab.labelled_at) if lab.labelled_at is not None else now,
            )
            for lab in labels
        ]
        with self._tx() as cur:
            cur.executemany(
                self._sql(
                    "INSERT INTO relevance_labels (query_id, mention_id, label, username, "
                    "labelled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (query_id, mention_id) "
                    "DO UPDATE SET label = excluded.label, username = excluded.username, "
                    "labelled_at = excluded.labelled_at"
                ),
                rows,
            )
        return len(rows)

    def delete_label(self, query_id: int, mention_id: str) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql("DELETE FROM relevance_labels WHERE query_id = ? AND mention_id = ?"),
                (query_id, mention_id),
            )

    def list_labels(self, query_id: int) -> list[RelevanceLabel]:
        """A query's labels, oldest first."""
        rows = self._rows(
            "SELECT query_id, mention_id, label, username, labelled_at FROM relevance_labels "
            "WHERE query_id = ? ORDER BY labelled_at, mention_id",
            [query_id],
        )
        return [RelevanceLabel(int(q), m, bool(lab), u, self._dt(t)) for q, m, lab, u, t in rows]

    def labelled_texts(self, query_id: int) -> list[LabelledText]:
        """A query's labels joined with the mentions' text, ordered by mention id."""
        rows = self._rows(
            "SELECT l.mention_id, m.text, l.label FROM relevance_labels l "
            "JOIN mentions m ON m.id = l.mention_id WHERE l.query_id = ? ORDER BY l.mention_id",
            [query_id],
        )
        return [LabelledText(mid, text, bool(lab)) for mid, text, lab in rows]

    def relevance_label_counts(self) -> dict[int, tuple[int, int]]:
        """Query id -> (relevant, not relevant) label counts."""
        rows = self._rows(
            "SELECT query_id, label, count(*) FROM relevance_labels GROUP BY query_id, label"
        )
        counts: dict[int, list[int]] = {}
        for qid, lab, n in rows:
            counts.setdefault(int(qid), [0, 0])[0 if bool(lab) else 1] += int(n)
        return {q: (c[0], c[1]) for q, c in counts.items()}

    # -- candidates for labelling -----------------------------------------------------

    def relevance_candidates(
        self, query_id: int, *, limit: int = 2000
    ) -> list[tuple[str, str, float | None]]:
        """Unlabelled mentions routed to a query, newest first: (id, text, stored score)."""
        rows = self._rows(
            "SELECT m.id, m.text, mq.relevance FROM mention_queries mq "
            "JOIN mentions m ON m.seq = mq.mention_seq "
            "WHERE mq.query_id = ? AND NOT EXISTS (SELECT 1 FROM relevance_labels l "
            "WHERE l.query_id = mq.query_id AND l.mention_id = m.id) "
            "ORDER BY mq.created_at DESC, mq.mention_seq DESC LIMIT ?",
            [query_id, limit],
        )
        return [(mid, text, None if r is None else float(r)) for mid, text, r in rows]

    def relevance_counts(self, query_id: int) -> RelevanceCounts:
        rows = self._rows(
            "SELECT count(*), count(relevance), "
            "coalesce(sum(CASE WHEN relevance < 0.5 THEN 1 ELSE 0 END), 0) "
            "FROM mention_queries WHERE query_id = ?",
            [query_id],
        )
        total, scored, below = rows[0]
        return RelevanceCounts(int(total), int(scored), int(below))

    # -- models -----------------------------------------------------------------------

    def save_relevance_model(
        self, query_id: int, weights: bytes, *, n_labels: int, metrics: dict[str, Any]
    ) -> int:
        """Store a query's new model; returns its version (previous + 1, from 1)."""
        with self._tx() as cur:
            version = self._one(
                cur,
                "INSERT INTO relevance_models (query_id, version, trained_at, n_labels, "
                "metrics, weights) VALUES (?, 1, ?, ?, ?, ?) ON CONFLICT (query_id) DO UPDATE "
                "SET version = relevance_models.version + 1, trained_at = excluded.trained_at, "
                "n_labels = excluded.n_labels, metrics = excluded.metrics, "
                "weights = excluded.weights RETURNING version",
                (query_id, self._now(), n_labels, dump_json(metrics), bytes(weights)),
            )
        return int(version)

    def load_relevance_model(self, query_id: int) -> RelevanceModelRecord | None:
        rows = self._rows(
            "SELECT query_id, version, trained_at, n_labels, metrics, weights "
            "FROM relevance_models WHERE query_id = ?",
            [query_id],
        )
        if not rows:
            return None
        q, version, trained_at, n_labels, metrics, weights = rows[0]
        return RelevanceModelRecord(
            int(q),
            int(version),
            self._dt(trained_at),
            int(n_labels),
            dict(load_json(metrics) or {}),
            bytes(weights),
        )

    def relevance_model_versions(self) -> dict[int, int]:
        """Query id -> model version: the cheap check a scorer polls for new models."""
        rows = self._rows("SELECT query_id, version FROM relevance_models")
        return {int(q): int(v) for q, v in rows}

    def delete_relevance_model(self, query_id: int) -> None:
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM relevance_models WHERE query_id = ?"), (query_id,))
