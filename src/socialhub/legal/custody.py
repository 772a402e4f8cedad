"""A case's chain of custody: the named chain ``custody:<case id>`` of the shared
append-only hash chain (:mod:`socialhub.records.chain`, the engagement audit log's
implementation).

Every act on a case is one entry: opened, item added, viewed, note added, status or
owner changed, capture taken or refused, exported, timestamped. Payloads carry ids,
hashes and values, never a post's text or an author's name (the chain cannot be
erased, so it must not hold personal data beyond ids; a note's body is in
``legal_case_notes`` and its SHA-256 in the chain).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from socialhub.records.chain import ChainBreak, ChainEntry
from socialhub.store.chain import ChainRepo


def chain_name(case_id: int) -> str:
    return f"custody:{case_id}"


class Custody:
    def __init__(self, store: Any) -> None:
        self.chains = ChainRepo(store)

    def record(
        self,
        case_id: int,
        actor: str,
        action: str,
        subject: str = "",
        payload: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> ChainEntry:
        return self.chains.append(
            chain_name(case_id), actor, action, subject or f"case:{case_id}", payload, at=at
        )

    def entries(self, case_id: int) -> list[ChainEntry]:
        return list(self.chains.iter_entries(chain_name(case_id)))

    def head(self, case_id: int) -> ChainEntry | None:
        return self.chains.head(chain_name(case_id))

    def verify(self, case_id: int) -> ChainBreak | None:
        return self.chains.verify(chain_name(case_id))
