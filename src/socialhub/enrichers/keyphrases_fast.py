"""A fast keyphrase extractor for bulk work (history backfills), ~20x YAKE's speed.

Candidates are the 1- to 3-word runs between stopwords, digits and punctuation (the
"candidate phrase" step of RAKE, Rose et al. 2010, "Automatic keyword extraction from
individual documents"); each is scored by how informative its words are in the
language — the inverse of their corpus frequency from ``wordfreq`` (Zipf scale), the
weighting idea of TF-IDF with a general corpus standing in for the document
collection — plus small bonuses for names (capitals), repetition and multi-word
phrases. The readable-form table and the folded keys are the YAKE path's, so both
methods count the same phrase once.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from socialhub.enrichers.keyphrases_yake import (
    _EXTRA_STOPWORDS,
    MAX_CHARS,
    KeyphraseExtractor,
    _load_stopwords,
    clean,
    surface,
)
from socialhub.text import phrase_key

_CLAUSE = re.compile(r"[.,;:!?()\"«»]+")
_WORD = r"[^\W_](?:[\w'’-]*[^\W_])?"
# a clause break (punctuation) or a word, in the order of the text
_TOKENS = re.compile(_CLAUSE.pattern + "|" + _WORD)
_ZIPF_CEILING = 8.0  # Zipf 8 = one word in ten; rarer words score higher
_PLANS_MAX = 20_000  # texts whose phrases are remembered (reposts repeat a text)
_PLAN_TEXT_MAX = 2_000  # longer texts (articles) are rarely repeated: not remembered
_WORDS_MAX = 200_000  # words remembered per language (_word_info's answers), then reset
_UNSEEN = object()


def _by_score(item: tuple[str, tuple[float, str]]) -> float:
    return -item[1][0]


def _put(table: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    table[key] = value
    if len(table) > _PLANS_MAX:
        table.popitem(last=False)


@lru_cache(maxsize=200_000)
def _rarity(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return _ZIPF_CEILING - zipf_frequency(word, lang if lang in ("fr", "en") else "fr")


@lru_cache(maxsize=200_000)
def _word_info(word: str, lang: str) -> tuple[str, str, float, float] | None:
    """(word, folded key, rarity, 1.0 if capitalised) of a candidate word; None for a
    clause break, a stopword, a number or a single character (they end a run)."""
    low = word.lower()
    if not word[0].isalnum() or low in _stopwords(lang) or low.isdigit() or len(low) < 2:
        return None
    return word, phrase_key(word), _rarity(low, lang), 1.0 if word[:1].isupper() else 0.0


@lru_cache(maxsize=64)
def _stopwords(lang: str) -> frozenset[str]:
    words = _load_stopwords(lang) if lang.isalpha() else None
    if words is None:
        words = (_load_stopwords("fr") or set()) | (_load_stopwords("en") or set())
        words |= _EXTRA_STOPWORDS["fr"] | _EXTRA_STOPWORDS["en"]
    return frozenset(words | _EXTRA_STOPWORDS.get(lang, set()))


class FastKeyphraseExtractor(KeyphraseExtractor):
    """Same interface and readable forms as :class:`KeyphraseExtractor`, no YAKE.

    Examples
    --------
    >>> FastKeyphraseExtractor(top_k=3).extract("Panne de la Mirabelle Box à Lyon !", "fr")
    ['Mirabelle Box', 'panne', 'Lyon']
    """

    def __init__(self, top_k: int = 5, max_ngram: int = 3, max_chars: int = MAX_CHARS) -> None:
        self.top_k = top_k
        self.max_ngram = max_ngram
        self.max_chars = max_chars
        self._extractors: dict[str, Any] = {}
        self.forms: OrderedDict[str, str] = OrderedDict()
        self._plans: OrderedDict[tuple[str, str], list[tuple[str, str, int]]] = OrderedDict()
        # language -> word -> _word_info(word, language): a dict lookup, not a call
        self._words: dict[str, dict[str, tuple[str, str, float, float] | None]] = {}

    def extract(self, text: str, lang: str = "und") -> list[str]:
        lang = (lang or "").lower()[:2]
        steps = self._plans.get((text, lang)) if isinstance(text, str) else None
        if steps is None:
            steps = self._plan(text, lang)
            if isinstance(text, str) and len(text) <= _PLAN_TEXT_MAX:
                _put(self._plans, (text, lang), steps)
        # the readable forms are looked up each time: a better form seen since applies
        out: list[str] = []
        for key, form, slot in steps:
            readable = self._readable(key, form)
            if slot < len(out):
                out[slot] = readable
            else:
                out.append(readable)
        return out

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_words", {})  # pickled before the word table

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_plans"] = OrderedDict()  # a cache: not worth carrying
        state["_words"] = {}
        return state

    def _plan(self, text: str, lang: str) -> list[tuple[str, str, int]]:
        """The phrases of a text as (key, surface form, slot in the result), in order.

        Depends only on the text and the language, so reposts (the same text) reuse it.
        """
        text = clean(text or "", self.max_chars)
        scored: dict[str, tuple[float, str]] = {}
        words = self._words.get(lang)
        if words is None or len(words) > _WORDS_MAX:
            words = self._words[lang] = {}
        score_run = self._score_run
        run: list[tuple[str, str, float, float]] = []
        # one pass: clause punctuation and stopwords end a run of candidate words
        for word in _TOKENS.findall(text):
            facts = words.get(word, _UNSEEN)
            if facts is _UNSEEN:
                facts = words[word] = _word_info(word, lang)
            if facts is not None:
                run.append(facts)  # type: ignore[arg-type]
            elif run:
                score_run(run, scored)
                run = []
        if run:
            score_run(run, scored)
        best = sorted(scored.items(), key=_by_score)
        steps: list[tuple[str, str, int]] = []
        kept: list[str] = []  # " key ": what "a piece of" compares
        # (a form is words of _WORD joined by spaces: it never holds _INNER_PUNCT, which
        # the YAKE path checks on its phrases)
        for key, (_score, form) in best:
            spaced = f" {key} "
            if any(spaced in k for k in kept):
                continue  # a piece of a phrase already kept adds nothing
            for i, k in enumerate(kept):
                if k in spaced:  # "Nexo" kept, then "Nexo Mobile": the longer name replaces it
                    kept[i] = spaced
                    steps.append((key, surface(form, text), i))
                    break
            else:
                steps.append((key, surface(form, text), len(kept)))
                kept.append(spaced)
                if len(kept) >= self.top_k:
                    break
        return steps

    def _score_run(
        self, run: list[tuple[str, str, float, float]], scored: dict[str, tuple[float, str]]
    ) -> None:
        """Scores the 1- to ``max_ngram``-word phrases of a run of (word, key, rarity,
        capital) into ``scored``. A phrase's key is its words' keys joined (what
        ``phrase_key`` of the joined words gives: folding never joins two words).

        Phrases are visited n by n, left to right, and each score is summed in the
        same order as :meth:`_score_run_any` (the general form, kept for ``max_ngram``
        over 3), so both give the same floats and the same ties."""
        if self.max_ngram > 3:
            self._score_run_any(run, scored)
            return
        size = len(run)
        if size == 1:  # the commonest run: a word alone between stopwords
            word, key, rarity, cap = run[0]
            if len(key) >= 3:
                score = rarity + 1.5 * cap + 0.0
                previous = scored.get(key)
                if previous is not None:
                    score = max(score, previous[0]) + 0.5  # repeated in the text
                scored[key] = (score, word)
            return
        get = scored.get
        words, keys, rars, caps = zip(*run, strict=True)
        for i in range(size):
            key = keys[i]
            if len(key) < 3:
                continue
            score = rars[i] + 1.5 * caps[i] + 0.0
            previous = get(key)
            if previous is not None:
                score = max(score, previous[0]) + 0.5  # repeated in the text
            scored[key] = (score, words[i])
        if self.max_ngram < 2:
            return
        for i in range(size - 1):
            k0, k1 = keys[i], keys[i + 1]
            key = f"{k0} {k1}" if k0 and k1 else k0 or k1
            if len(key) < 3:
                continue
            score = (rars[i] + rars[i + 1]) / 2 + 1.5 * ((caps[i] + caps[i + 1]) / 2) + 0.5
            previous = get(key)
            if previous is not None:
                score = max(score, previous[0]) + 0.5
            scored[key] = (score, f"{words[i]} {words[i + 1]}")
        if self.max_ngram < 3:
            return
        for i in range(size - 2):
            key = " ".join([k for k in keys[i : i + 3] if k])
            if len(key) < 3:
                continue
            rarity = (rars[i] + rars[i + 1] + rars[i + 2]) / 3
            names = (caps[i] + caps[i + 1] + caps[i + 2]) / 3
            score = rarity + 1.5 * names + 1.0
            previous = get(key)
            if previous is not None:
                score = max(score, previous[0]) + 0.5
            scored[key] = (score, f"{words[i]} {words[i + 1]} {words[i + 2]}")

    def _score_run_any(
        self, run: list[tuple[str, str, float, float]], scored: dict[str, tuple[float, str]]
    ) -> None:
        """:meth:`_score_run` for any ``max_ngram`` (the reference form)."""
        size = len(run)
        for n in range(1, min(self.max_ngram, size) + 1):
            bonus = 0.5 * (n - 1)
            for i in range(size - n + 1):
                part = run[i : i + n]
                if n == 1:
                    word, key, rarity, names = part[0]
                    form = word
                else:
                    key = " ".join([w[1] for w in part if w[1]])
                    form = " ".join([w[0] for w in part])
                    rarity = sum([w[2] for w in part]) / n
                    names = sum([w[3] for w in part]) / n
                if len(key) < 3:
                    continue
                score = rarity + 1.5 * names + bonus
                previous = scored.get(key)
                if previous is not None:
                    score = max(score, previous[0]) + 0.5  # repeated in the text
                scored[key] = (score, form)
