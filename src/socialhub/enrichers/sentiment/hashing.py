"""Hashed word and character n-gram features for the fast path (numpy only).

Why hashing: no vocabulary to ship, any script or emoji gets features, and the
artefact size is fixed by the number of buckets. Character 2-5-grams are hashed in
bulk with numpy (a polynomial hash per n-gram, wrapped modulo 2**64, then a
murmur3-style mixer); word unigrams and bigrams are few per text and go through
``zlib.crc32``. A feature's sign comes from its hash (Weinberger et al. 2009), which
keeps collisions unbiased.

Negation (e.g. "pas", "sans", "not", "never") marks the following words up to the
next punctuation with an extra ``n:`` feature, so "pas bon" does not look like "bon"
(Das & Chen 2001). "sans" is included on purpose: "3 jours sans internet".
"""

from __future__ import annotations

import itertools
import re
import zlib
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.sentiment.normalize import MAX_CHARS, clean, fold_for_hashing

CHAR_NGRAMS = (2, 3, 4, 5)
#: Lexicon features are few: scaled up so the L2 penalty does not drown them.
LEX_SCALE = 2.0
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SCOPE_END = frozenset('.,;:!?()[]"')
# Folded (accent-free) negators for the languages the platform sees most.
_NEGATOR_WORDS = (
    "pas jamais rien aucun aucune sans ni plus guere "  # fr ("plus": "ne ... plus")
    "not no never nothing without nobody none cannot nor "  # en
    "nunca nada sin ningun ninguna "  # es
    "non mai niente senza nessun nessuno "  # it
    "nao nem sem nenhum nenhuma "  # pt
    "nicht kein keine keinen nie nichts ohne"  # de
)
NEGATORS = frozenset(_NEGATOR_WORDS.split())

_P = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so the polynomial hash spreads well
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_SEP = "\x02"  # never survives clean(), so it safely separates texts


def _mix(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """murmur3 fmix64: every input bit affects every output bit."""
    h = h ^ (h >> _S33)
    h = h * _M1
    h = h ^ (h >> _S33)
    h = h * _M2
    return h ^ (h >> _S33)


#: Folded token -> (English valence, French valence), from the VADER lexicons.
Lexicon = dict[str, tuple[float, float]]
_LEX_NAMES = tuple(f"lx:{lang}{neg}{sign}" for lang in "ef" for neg in "~=" for sign in "+-")


@lru_cache(maxsize=4096)
def _word_hashes(folded: str) -> tuple[list[int], tuple[str, ...]]:
    """crc32 of the word, bigram and negated-word features of a folded text (each of
    value 1.0), and its tokens; memoised like :func:`_folded`, since the sentiment and
    categories fast paths featurize the same batch one after the other."""
    tokens = _TOKEN.findall(folded)
    feats = [f"w:{t}" for t in tokens]
    feats += [f"b:{a} {b}" for a, b in itertools.pairwise(tokens)]
    negated = False
    for tok in tokens:
        if tok in _SCOPE_END:
            negated = False
        elif tok in NEGATORS:
            negated = True
        elif negated:
            feats.append(f"n:{tok}")
    crc = zlib.crc32  # a memo of these cost more than the hash (bigrams rarely repeat)
    return [crc(feat.encode("utf-8")) for feat in feats], tuple(tokens)


def _lexicon_features(tokens: tuple[str, ...], lexicon: Lexicon) -> tuple[list[str], list[float]]:
    """The summed-valence features: language (en, fr) x negated or not x sign."""
    sums = [0.0] * len(_LEX_NAMES)
    negated = False
    for tok in tokens:
        if tok in _SCOPE_END:
            negated = False
        elif tok in NEGATORS:
            negated = True
        if tok in lexicon:
            for lang, valence in enumerate(lexicon[tok]):
                if valence:
                    sums[4 * lang + 2 * (not negated) + (valence < 0)] += abs(valence)
    feats: list[str] = []
    values: list[float] = []
    for name, total in zip(_LEX_NAMES, sums, strict=True):
        if total:
            feats.append(name)
            values.append(LEX_SCALE * min(total / 4.0, 3.0))  # valences are in [-4, 4]
    return feats, values


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """``fold_for_hashing(clean(text))``, memoised: the sentiment and categories fast
    paths featurize the same batch one after the other."""
    return fold_for_hashing(clean(text[: 2 * MAX_CHARS]))


_LAST_CHARS: list[tuple[list[str], tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]]] = []


def _char_hashes(
    folded: list[str],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """(text index, 64-bit hash) of every character n-gram of every text; the last
    batch's are kept, for the next stage featurizing the same texts."""
    last = _LAST_CHARS[0] if _LAST_CHARS else None  # one read: threads may replace it
    if last is not None and last[0] == folded:
        return last[1]
    out = _compute_char_hashes(folded)
    _LAST_CHARS[:] = [(folded, out)]
    return out


def _compute_char_hashes(
    folded: list[str],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    padded = [f" {t} " for t in folded]
    joined = _SEP.join(padded)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.array([len(t) + 1 for t in padded], dtype=np.int64)
    doc = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)[: len(codes)]
    doc[np.cumsum(lengths)[:-1] - 1] = -1  # the separators belong to no text
    rows: list[npt.NDArray[np.int64]] = []
    hashes: list[npt.NDArray[np.uint64]] = []
    for n in CHAR_NGRAMS:
        m = len(codes) - n + 1
        if m <= 0:
            continue
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h = h * _P + codes[k : k + m]
        keep = (doc[:m] == doc[n - 1 :]) & (doc[:m] >= 0)
        rows.append(doc[:m][keep])
        hashes.append(h[keep])
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(rows), np.concatenate(hashes)


def _group_weights(rows: npt.NDArray[np.int64], n_texts: int) -> npt.NDArray[np.float32]:
    """1/sqrt(count) per text so long and short texts have comparable norms."""
    counts = np.bincount(rows, minlength=n_texts).astype(np.float32)
    inverse = (1.0 / np.sqrt(np.maximum(counts, 1.0))).astype(np.float32)
    return inverse[rows]


def featurize(
    texts: list[str], n_bits: int, lexicon: Lexicon | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Sparse features of ``texts`` as COO triples ``(rows, cols, values)``.

    Parameters
    ----------
    texts
        Raw texts; each goes through :func:`clean` and :func:`fold_for_hashing`.
    n_bits
        The feature space has ``2**n_bits`` buckets.
    lexicon
        Optional valences; adds eight summed-valence features per text.

    Returns
    -------
    rows, cols, values
        Duplicate (row, col) pairs are allowed and mean a sum.

    Examples
    --------
    >>> rows, cols, vals = featurize(["pas bon", "good"], n_bits=16)
    >>> sorted(set(rows.tolist())), int(cols.max()) < 2**16
    ([0, 1], True)
    """
    folded = [_folded(t) if isinstance(t, str) else fold_for_hashing(clean(t)) for t in texts]
    mask = np.uint64((1 << n_bits) - 1)

    char_rows, char_h = _char_hashes(folded)
    word_rows_list: list[int] = []
    word_h_list: list[int] = []
    word_v_list: list[float] = []
    for i, text in enumerate(folded):
        hashes, tokens = _word_hashes(text)
        word_h_list += hashes
        count = len(hashes)
        if lexicon is not None:
            feats, values = _lexicon_features(tokens, lexicon)
            word_h_list += [zlib.crc32(feat.encode("utf-8")) for feat in feats]
            word_v_list += [1.0] * count + values
            count += len(feats)
        else:
            word_v_list += [1.0] * count
        word_rows_list += [i] * count
    word_rows = np.array(word_rows_list, dtype=np.int64)
    # Offset word hashes so a word never shares a pre-mix value with a char n-gram.
    word_h = np.array(word_h_list, dtype=np.uint64) + np.uint64(1 << 40)

    rows = np.concatenate([char_rows, word_rows])
    mixed = _mix(np.concatenate([char_h, word_h]))
    cols = (mixed & mask).astype(np.int64)
    signs = np.where((mixed >> np.uint64(63)) == 1, -1.0, 1.0).astype(np.float32)
    word_w = _group_weights(word_rows, len(texts)) * np.array(word_v_list, dtype=np.float32)
    weights = np.concatenate([_group_weights(char_rows, len(texts)), word_w])
    return rows, cols, signs * weights
