"""Append-only hash chains: one implementation for the audit log and chains of custody.

Each entry carries the hash of the entry before it in the same named chain, so
changing, removing or reordering any entry breaks every hash after it::

    entry_hash = sha256(prev_hash || canonical(entry))

``prev_hash`` is the previous entry's ``entry_hash`` as 64 lowercase hex characters
(ASCII bytes); the first entry of a chain links to :func:`genesis_hash` of the chain's
name, so an entry cannot be moved to another chain. :func:`canonical` is the entry's
fields as compact JSON with sorted keys, UTF-8, no NaN, times as UTC ISO-8601 with
milliseconds: anyone can recompute a hash from an export with ``sha256sum`` and
``jq -cS``-like canonicalisation.

What a chain proves: nothing was altered or removed *before* the last entry you
trust. Removing entries at the tail is only detected against a head hash kept
elsewhere (an export, a report, an e-mail): :func:`verify` takes ``expect_head``.

>>> from datetime import UTC, datetime
>>> t = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
>>> first = make_entry("audit", 1, genesis_hash("audit"), t, "alice", "draft.created",
...                    "draft:1", {"text": "Bonjour"})
>>> second = make_entry("audit", 2, first.entry_hash, t, "bob", "draft.approved", "draft:1", {})
>>> verify([first, second]) is None
True
>>> import dataclasses
>>> bad = dataclasses.replace(first, actor="mallory")
>>> verify([bad, second]).reason
'entry hash does not match its content'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

HASH_HEX_LEN = 64


def genesis_hash(chain: str) -> str:
    """The ``prev_hash`` of a chain's first entry: bound to the chain's name."""
    return hashlib.sha256(f"socialhub-chain-genesis:{chain}".encode()).hexdigest()


def chain_time(at: datetime) -> datetime:
    """``at`` in UTC truncated to the millisecond (what both stores keep exactly)."""
    if at.tzinfo is None:
        raise ValueError("chain entry times must be timezone-aware")
    at = at.astimezone(UTC)
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _iso(at: datetime) -> str:
    return chain_time(at).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def canonical_json(value: Any) -> str:
    """Compact, key-sorted JSON; refuses NaN and infinities (no canonical form)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One link. ``id`` is the store's row id (None before it is stored)."""

    chain: str
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = ""
    entry_hash: str = ""
    id: int | None = None

    def body(self) -> dict[str, Any]:
        """The hashed fields (everything but the hashes and the row id)."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "at": _iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "payload": dict(self.payload),
        }

    def to_dict(self) -> dict[str, Any]:
        """The body plus the hashes and row id: one line of an export."""
        return {
            **self.body(),
            "prev_hash": self.prev_hash,
            "entry_hash": self.entry_hash,
            "id": self.id,
        }


def canonical(entry: ChainEntry) -> bytes:
    """The exact bytes hashed for an entry (after its predecessor's hash)."""
    return canonical_json(entry.body()).encode("utf-8")


def compute_hash(prev_hash: str, entry: ChainEntry) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


def make_entry(
    chain: str,
    seq: int,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: Mapping[str, Any] | None = None,
) -> ChainEntry:
    """A new entry linked to ``prev_hash`` with its hash computed.

    The payload is round-tripped through canonical JSON first, so what is hashed is
    exactly what a store gives back (tuples become lists, keys become strings).
    """
    if not chain or not action:
        raise ValueError("a chain entry needs a chain name and an action")
    if seq < 1:
        raise ValueError(f"chain positions start at 1, got {seq}")
    if len(prev_hash) != HASH_HEX_LEN:
        raise ValueError(f"prev_hash must be {HASH_HEX_LEN} hex characters")
    body = json.loads(canonical_json(dict(payload or {})))
    draft = ChainEntry(chain, seq, chain_time(at), actor, action, subject, body, prev_hash)
    return ChainEntry(
        chain,
        seq,
        draft.at,
        actor,
        action,
        subject,
        body,
        prev_hash,
        compute_hash(prev_hash, draft),
    )


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where and why a chain stopped verifying."""

    chain: str
    seq: int
    id: int | None
    reason: str

    def describe(self) -> str:
        row = "" if self.id is None else f" (row id {self.id})"
        return f"chain {self.chain!r} entry #{self.seq}{row}: {self.reason}"


def verify(entries: Iterable[ChainEntry], *, expect_head: str | None = None) -> ChainBreak | None:
    """The first entry that breaks its chain, or None when every link holds.

    ``entries`` may mix several chains, each in ``seq`` order (as a store lists them).
    Checks, per chain: positions run 1, 2, 3… without gaps; each ``prev_hash`` is the
    previous entry's hash (the genesis hash first); each ``entry_hash`` matches the
    entry's content. With ``expect_head`` (single chain), the last hash must equal it:
    that catches entries removed at the tail.
    """
    last: dict[str, ChainEntry] = {}
    for entry in entries:
        before = last.get(entry.chain)
        want_seq = 1 if before is None else before.seq + 1
        want_prev = genesis_hash(entry.chain) if before is None else before.entry_hash
        if entry.seq != want_seq:
            reason = f"expected position #{want_seq} (an entry is missing or moved)"
            return ChainBreak(entry.chain, entry.seq, entry.id, reason)
        if entry.prev_hash != want_prev:
            reason = "previous-hash link does not match the entry before it"
            return ChainBreak(entry.chain, entry.seq, entry.id, reason)
        if compute_hash(entry.prev_hash, entry) != entry.entry_hash:
            return ChainBreak(
                entry.chain, entry.seq, entry.id, "entry hash does not match its content"
            )
        last[entry.chain] = entry
    if expect_head is not None:
        if len(last) > 1:
            raise ValueError("expect_head needs the entries of one chain")
        tail = next(iter(last.values()), None)
        if tail is None or tail.entry_hash != expect_head:
            seq = 0 if tail is None else tail.seq
            name = "" if tail is None else tail.chain
            return ChainBreak(
                name,
                seq,
                None if tail is None else tail.id,
                "last entry is not the expected head (entries removed at the end?)",
            )
    return None
