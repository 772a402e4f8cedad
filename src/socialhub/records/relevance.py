"""Relevance per query: analysts' labels, labelled texts and trained models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class RelevanceLabel:
    """One analyst's verdict: is this mention relevant to this query?"""

    query_id: int
    mention_id: str
    label: bool
    username: str = ""
    labelled_at: datetime | None = None


@dataclass(slots=True)
class LabelledText:
    """A label with the mention's text, ready for training."""

    mention_id: str
    text: str
    label: bool


@dataclass(slots=True)
class RelevanceModelRecord:
    """A stored model: ``weights`` is the serialised model (see relevance.model)."""

    query_id: int
    version: int
    trained_at: datetime
    n_labels: int
    metrics: dict[str, Any] = field(default_factory=dict)
    weights: bytes = b""


@dataclass(slots=True)
class RelevanceCounts:
    """How a query's routed mentions are scored: all, scored, scored below 0.5."""

    mentions: int
    scored: int
    below_half: int
