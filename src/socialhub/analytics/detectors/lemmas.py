"""Light lemmas for term bursts: the plural and the singular of a word are one term.

A burst of "explosion" and "explosions" (or "inondation" and "inondations") is one
burst; counted apart, each half may stay under the threshold. Full lemmatisation
(spaCy) costs a millisecond a post, far too slow for a detector that reads every
post, so terms are reduced with inflectional rules only — the plural rules of the
light stemmers, which remove inflections and never derivations (a verb never becomes
another word):

* English: Harman's "S-stemmer" (Harman, "How effective is suffixing?", *Journal of
  the American Society for Information Science* 42(1), 1991): ``-ies`` → ``-y``,
  ``-es`` → ``-e``, ``-s`` → ``""``.
* French: the plural rules of Savoy's light stemmer (Savoy, "A stemming procedure and
  stopword list for general French corpora", *JASIS* 50(10), 1999): ``-aux`` → ``-al``,
  final ``-x`` and ``-s`` removed.

Words of fewer than four letters, hashtags, handles, numbers and words ending in
``-ss``, ``-us``, ``-is``, ``-as``, ``-os`` (bus, crisis, texas, gas, chaos) are left as
they are. Both rule sets run on every word (the language of a post is not always
known, and a French word ending in ``-ies`` is rare). The detector names a term by the
first form it saw, so a merged term reads as a real word.

>>> [lemma(w) for w in ("explosions", "explosion", "inondations", "journaux", "feux")]
['explosion', 'explosion', 'inondation', 'journal', 'feu']
>>> [lemma(w) for w in ("cities", "fires", "texas", "gas", "crisis", "#floods", "2013")]
['city', 'fire', 'texas', 'gas', 'crisis', '#floods', '2013']
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["lemma"]

_KEEP_ENDINGS = ("ss", "us", "is", "as", "os")


@lru_cache(maxsize=65_536)
def lemma(word: str) -> str:
    """The light lemma of a folded (lowercase, accent-free) word."""
    n = len(word)
    if n < 4 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux") and n > 4:
        return word[:-3] + "al"
    if word.endswith("x") and word[-2] in "ue":  # feux, jeux, cheveux
        return word[:-1]
    if word.endswith(_KEEP_ENDINGS):
        return word
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")) and n > 4:
        return word[:-1]  # fires -> fire (Harman: -es -> -e)
    if word.endswith("s"):
        return word[:-1]
    return word
