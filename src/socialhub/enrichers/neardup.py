"""Near-duplicate clustering in fixed memory: MinHash signatures, LSH banding, shared links.

Copy-pasted campaigns, press releases echoed by many accounts and lightly edited
reposts should count as one story. Each mention's text is normalised (accents and case
folded; links, ``@handles``, emojis and punctuation removed; ``#tag`` read as ``tag``),
cut into character 5-grams, and summarised by a MinHash signature (Broder 1997, "On the
resemblance and containment of documents"): the fraction of equal signature slots
estimates the Jaccard similarity of the two 5-gram sets. Candidates are found with the
LSH banding scheme (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman, *Mining of
Massive Datasets*, ch. 3): the signature is split into ``bands`` bands of ``rows``
slots and two texts are candidates when any band is equal, which happens with
probability ``1 - (1 - J**rows)**bands``. With the defaults (32 bands of 4 rows) a pair
at J = 0.6 is a candidate 99 % of the time, one at J = 0.2 about 5 %. A candidate joins
the cluster only if its estimated Jaccard with the cluster's first member reaches
``neardup_threshold`` (default 0.5), so chance band collisions never merge clusters.

Character shingles (not word shingles) keep a one-word edit of a 15-word post near
J = 0.75. Texts under ``neardup_min_tokens`` tokens and 40 characters have too few
shingles for that estimate: they cluster only on their exact normalised text.
External links in the text are normalised (scheme dropped, host lowercased without
``www.``, ``utm_*``/``fbclid``/``gclid`` parameters, fragment and trailing slash removed)
and the same link shared by several accounts joins one cluster as well.

Memory is fixed: every table (clusters, band buckets, short texts, links, recently seen
mention ids) is a bounded LRU, so old stories are forgotten first. Hashing uses fixed
seeds and no ``hash()`` of strings, so the pickled state (:class:`NearDupIndex`)
clusters the same way after a restart in another process.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.bandtable import BandTable
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped
from socialhub.text import links_of, normalise_text

__all__ = ["NearDup", "NearDupIndex"]

SHINGLE = 5  # characters per shingle
MAX_CHARS = 5_000  # of normalised text shingled: a 100 KB post costs no more than this
_CHUNK_WINDOWS = 8_000  # shingle windows hashed at a time (signatures)
_SEED = 0x50C1A1  # fixed: signatures must agree across processes and restarts

K = TypeVar("K")
V = TypeVar("V")


def _put(table: OrderedDict[K, V], key: K, value: V, cap: int) -> None:
    """Insert or refresh ``key`` and evict the least recently used entries over ``cap``."""
    table[key] = value
    table.move_to_end(key)
    while len(table) > cap:
        table.popitem(last=False)


@dataclass(slots=True)
class _Cluster:
    id: str
    size: int
    signature: npt.NDArray[np.uint32] | None  # of the first member; None for exact/link ones


class NearDupIndex:
    """The clustering state: picklable, bounded, deterministic.

    Parameters
    ----------
    num_perm, bands :
        Signature length and number of LSH bands (``num_perm`` must be a multiple).
    threshold :
        Minimum estimated Jaccard (5-gram sets) with a cluster's first member.
    min_tokens :
        Texts with fewer tokens (and under 40 characters) only match exactly.
    max_clusters :
        Clusters remembered; the band, text and link tables are sized from it.
    """

    def __init__(
        self,
        num_perm: int = 128,
        bands: int = 32,
        threshold: float = 0.5,
        min_tokens: int = 5,
        max_clusters: int = 50_000,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.num_perm, self.bands, self.rows = num_perm, bands, num_perm // bands
        self.threshold = threshold
        self.min_tokens = min_tokens
        self.max_clusters = max_clusters
        rng = np.random.default_rng(_SEED)
        # multiply-shift hashing (Dietzfelbinger et al.): odd 64-bit multipliers, top 32 bits
        self._a = rng.integers(1, 2**63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
        self._band_mix = rng.integers(1, 2**63, (bands, self.rows), dtype=np.uint64)
        self._pow = np.uint64(1_000_003) ** np.arange(SHINGLE, dtype=np.uint64)
        self.clusters: OrderedDict[str, _Cluster] = OrderedDict()
        # band key -> cluster id: an LRU by write of max_clusters * bands keys
        self.buckets = BandTable(max_clusters * bands)
        self.exact: OrderedDict[int, str] = OrderedDict()
        self.links: OrderedDict[str, str] = OrderedDict()
        self.seen: OrderedDict[str, str] = OrderedDict()  # mention id -> cluster id

    # -- hashing ------------------------------------------------------------------------

    def signature(self, norm: str) -> npt.NDArray[np.uint32]:
        """MinHash signature of the character 5-gram set of a normalised text."""
        codes = np.frombuffer(norm[:MAX_CHARS].encode("utf-32-le"), dtype=np.uint32)
        codes = codes.astype(np.uint64)
        n = len(codes) - SHINGLE + 1
        if n < 1:
            codes = np.pad(codes, (0, SHINGLE - len(codes)))
            n = 1
        # polynomial hash of every window, vectorised; uint64 arithmetic wraps (mod 2**64)
        shingles = np.zeros(n, dtype=np.uint64)
        for j in range(SHINGLE):
            shingles += codes[j : j + n] * self._pow[j]
        shingles = np.unique(shingles)
        hashed = (self._a[:, None] * shingles[None, :] + self._b[:, None]) >> np.uint64(32)
        return hashed.min(axis=1).astype(np.uint32)

    def signatures(self, norms: list[str]) -> list[npt.NDArray[np.uint32]]:
        """:meth:`signature` of many texts at once (the same values, far fewer numpy
        calls): windows of all texts hashed in one pass, minima taken per text. The
        minimum over a set equals the minimum with repeats, so no per-text ``unique``."""
        out: list[npt.NDArray[np.uint32] | None] = [None] * len(norms)
        long = [i for i, n in enumerate(norms) if len(n) >= SHINGLE]
        for i in set(range(len(norms))) - set(long):
            out[i] = self.signature(norms[i])  # shorter than a shingle: padded, alone
        start = 0
        while start < len(long):
            # chunks of ~8,000 windows: the (num_perm x windows) matrix is ~8 MB; at
            # 20,000 (20 MB) the signatures cost 16 µs a mention, at 8,000 10 µs
            # (A/B, 4,000 bench texts; each text's minima do not depend on the chunk)
            chunk: list[int] = []
            windows = 0
            while start < len(long) and (not chunk or windows < _CHUNK_WINDOWS):
                i = long[start]
                chunk.append(i)
                windows += min(len(norms[i]), MAX_CHARS) - SHINGLE + 1
                start += 1
            for i, sig in zip(
                chunk, self._chunk_signatures([norms[i] for i in chunk]), strict=True
            ):
                out[i] = sig
        return [sig for sig in out if sig is not None]

    def _chunk_signatures(self, norms: list[str]) -> npt.NDArray[np.uint32]:
        texts = [n[:MAX_CHARS] for n in norms]
        joined = "\x00".join(texts)  # windows across a separator are dropped below
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        n = len(codes) - SHINGLE + 1
        shingles = np.zeros(n, dtype=np.uint64)
        for j in range(SHINGLE):
            shingles += codes[j : j + n] * self._pow[j]
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        # text k's windows start at starts[k] .. starts[k] + len - SHINGLE; they are
        # numbered offsets[k] .. in the kept array
        counts = lengths - SHINGLE + 1
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        keep = np.arange(int(counts.sum())) + np.repeat(starts - offsets, counts)
        # a*x + b in place (no temporaries); the top 32 bits are taken after the minimum,
        # which is the same value: v >> 32 is monotonic in v
        hashed = np.multiply(self._a[:, None], shingles[keep][None, :])
        hashed += self._b[:, None]
        return (np.minimum.reduceat(hashed, offsets, axis=1) >> np.uint64(32)).T.astype(np.uint32)

    def band_keys(self, sig: npt.NDArray[np.uint32]) -> list[int]:
        """One 64-bit key per band; the per-band multipliers keep bands apart."""
        rows = sig.astype(np.uint64).reshape(self.bands, self.rows)
        keys = (rows * self._band_mix).sum(axis=1, dtype=np.uint64)
        return [int(k) for k in keys.tolist()]

    def batch_band_keys(self, sigs: list[npt.NDArray[np.uint32]]) -> list[list[int]]:
        """:meth:`band_keys` of many signatures in one pass (the same keys)."""
        if not sigs:
            return []
        rows = np.stack(sigs).astype(np.uint64).reshape(len(sigs), self.bands, self.rows)
        keys: list[list[int]] = (rows * self._band_mix).sum(axis=2, dtype=np.uint64).tolist()
        return keys

    # -- clustering ---------------------------------------------------------------------

    def _live(self, cid: str | None) -> _Cluster | None:
        return self.clusters.get(cid) if cid is not None else None

    def _touch(self, cluster: _Cluster) -> None:
        _put(self.clusters, cluster.id, cluster, self.max_clusters)

    def needs_signature(self, tokens: list[str], norm: str) -> bool:
        return len(tokens) >= self.min_tokens or len(norm) >= 40

    def assign(
        self,
        mention_id: str,
        text: str,
        prepared: tuple[list[str], npt.NDArray[np.uint32] | None] | None = None,
    ) -> tuple[str, int]:
        """The cluster of a mention and the cluster's size including it.

        A mention id seen before (a re-collected item) gets its cluster back without
        growing it. ``prepared``: the text's tokens and signature, computed for a
        whole batch by the stage (:meth:`signatures`).
        """
        tokens, ready = prepared if prepared is not None else (normalise_text(text), None)
        return self._assign(mention_id, text, tokens, ready, None)

    def _assign(
        self,
        mention_id: str,
        text: str,
        tokens: list[str],
        ready: npt.NDArray[np.uint32] | None,
        ready_keys: list[int] | None,
    ) -> tuple[str, int]:
        """:meth:`assign`, with the band keys of ``ready`` when the stage has them."""
        known = self._live(self.seen.get(mention_id))
        if known is not None:
            self._touch(known)
            return known.id, known.size

        norm = " ".join(tokens)
        links = links_of(text)
        cluster: _Cluster | None = None
        sig: npt.NDArray[np.uint32] | None = None
        keys: list[int] = []
        exact_key: int | None = None

        if self.needs_signature(tokens, norm):
            sig = ready if ready is not None else self.signature(norm)
            keys = (
                ready_keys if ready is not None and ready_keys is not None else self.band_keys(sig)
            )
            cluster = self._best_candidate(sig, keys)
        elif tokens:
            digest = hashlib.blake2b(norm.encode(), digest_size=8).digest()
            exact_key = int.from_bytes(digest, "big")
            cluster = self._live(self.exact.get(exact_key))
        if cluster is None:
            for link in links:
                cluster = self._live(self.links.get(link))
                if cluster is not None:
                    break

        if cluster is None:
            cluster = _Cluster(f"c:{mention_id}", 0, None)
        if cluster.signature is None and sig is not None:
            # a new cluster, or one found by its link: this text becomes its reference
            cluster.signature = sig
            self._write_buckets(keys, cluster.id)
        cluster.size += 1
        self._touch(cluster)
        if exact_key is not None:
            _put(self.exact, exact_key, cluster.id, self.max_clusters)
        for link in links:  # a link seen first keeps its first cluster
            if self._live(self.links.get(link)) is None:
                _put(self.links, link, cluster.id, self.max_clusters)
            else:
                self.links.move_to_end(link)
        _put(self.seen, mention_id, cluster.id, self.max_clusters * 4)
        return cluster.id, cluster.size

    def _write_buckets(self, keys: list[int], cid: str) -> None:
        """Point ``keys`` at ``cid``; the least recently written keys over
        ``max_clusters * bands`` are forgotten (:class:`BandTable`)."""
        self.buckets.write(keys, cid)

    def __setstate__(self, state: dict[str, Any]) -> None:
        buckets: Any = state.get("buckets")
        if not isinstance(buckets, BandTable):  # pickled before the numpy table
            buckets = buckets or {}
            cap = state["max_clusters"] * state["bands"]
            order: Any = state.pop("_bucket_order", None)
            stale = dict(state.pop("_bucket_stale", None) or {})
            if order is None:  # an OrderedDict: its order is the order of writes
                keys = list(buckets)
            else:  # a dict and its writes, of which the first `stale[key]` are stale
                keys = []
                for key in order:
                    if stale.get(key):
                        stale[key] -= 1
                    else:
                        keys.append(key)
            state["buckets"] = BandTable.from_items(cap, [(k, buckets[k]) for k in keys])
        self.__dict__.update(state)

    def _best_candidate(self, sig: npt.NDArray[np.uint32], keys: list[int]) -> _Cluster | None:
        best: _Cluster | None = None
        best_sim = self.threshold
        checked: set[str] = set()
        for cid in self.buckets.get_many(keys):
            if cid is None or cid in checked:
                continue
            checked.add(cid)
            cluster = self._live(cid)
            if cluster is None or cluster.signature is None:
                continue
            sim = float(np.mean(cluster.signature == sig))
            if sim >= best_sim:
                best, best_sim = cluster, sim
        return best

    def __len__(self) -> int:
        return len(self.clusters)


class NearDup(BaseEnricher):
    """Stage ``neardup``: sets ``cluster_id`` ('c:<first member id>') and ``cluster_size``.

    Settings: ``neardup_threshold`` (0.5), ``neardup_min_tokens`` (5),
    ``neardup_max_clusters`` (50,000), ``neardup_num_perm`` (128), ``neardup_bands`` (32).
    The state is ``self.index`` (picklable); pickling the stage keeps only the index.
    """

    name: ClassVar[str] = "neardup"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        s = ctx.options
        self.index = NearDupIndex(
            num_perm=s.neardup_num_perm,
            bands=s.neardup_bands,
            threshold=s.neardup_threshold,
            min_tokens=s.neardup_min_tokens,
            max_clusters=s.neardup_max_clusters,
        )

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        index = self.index
        tokens = [normalise_text(m.text or "") for m in batch]
        norms = [" ".join(t) for t in tokens]
        wanted = [i for i in range(len(batch)) if index.needs_signature(tokens[i], norms[i])]
        sigs: list[npt.NDArray[np.uint32] | None] = [None] * len(batch)
        keys: list[list[int] | None] = [None] * len(batch)
        computed = index.signatures([norms[i] for i in wanted])
        band_keys = index.batch_band_keys(computed)
        index.buckets.prefetch([k for ks in band_keys for k in ks])
        for i, sig, k in zip(wanted, computed, band_keys, strict=True):
            sigs[i], keys[i] = sig, k
        for i, m in enumerate(batch):
            m.cluster_id, m.cluster_size = index._assign(
                m.id, m.text or "", tokens[i], sigs[i], keys[i]
            )
        index.buckets.maybe_flush()  # the writes of a few batches into the arrays at once
        return list(batch)

    def __getstate__(self) -> dict[str, Any]:
        # the context holds the store (a live connection): only the clustering state travels
        return {"index": self.index}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.ctx = Context(None, {})
        self.index = state["index"]
