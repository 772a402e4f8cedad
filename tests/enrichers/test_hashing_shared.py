"""The sentiment and categories fast paths share a batch's hashed features (issue 21,
item 2): the memoised values equal a fresh computation, with and without the lexicon,
in either order, and a different batch is never served the previous one's."""

from __future__ import annotations

import numpy as np

from socialhub.enrichers.sentiment import hashing

TEXTS = ["pas bon du tout, jamais content !", "merci :) super", "", "Not good. never again"]
LEXICON = {"bon": (1.9, 2.0), "content": (0.0, 1.5), "good": (1.9, 0.0)}


def _fresh(texts: list[str], bits: int, lexicon: hashing.Lexicon | None) -> tuple[object, ...]:
    hashing._LAST_CHARS.clear()
    hashing._word_hashes.cache_clear()
    hashing._folded.cache_clear()
    return hashing.featurize(texts, bits, lexicon)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]


def test_memoised_features_equal_fresh_ones_in_any_order() -> None:
    with_lex = _fresh(TEXTS, 18, LEXICON)
    without = _fresh(TEXTS, 13, None)
    hashing.featurize(TEXTS, 18, LEXICON)  # the sentiment stage, then the categories one
    assert _same(hashing.featurize(TEXTS, 13, None), without)
    assert _same(hashing.featurize(TEXTS, 18, LEXICON), with_lex)


def test_another_batch_gets_its_own_features() -> None:
    other = [*TEXTS[1:], "tout nouveau texte"]
    expected = _fresh(other, 13, None)
    hashing.featurize(TEXTS, 13, None)
    assert _same(hashing.featurize(other, 13, None), expected)
    rows = hashing.featurize(["sans internet"], 13, LEXICON)[0]
    assert set(rows.tolist()) == {0}
