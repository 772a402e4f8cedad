"""Keyphrases per mention with YAKE, one readable form per phrase whatever its spelling.

YAKE (Campos et al. 2020, "YAKE! Keyword extraction from single documents using
multiple local features") scores 1- to 3-word candidates from statistics of the text
alone (casing, position, frequency, spread, context diversity), so it needs no model
and works in any language given a stopword list. We use the mention's language for the
stopwords (YAKE ships lists for about 30; French and English get extra social-media
words; an unknown language gets the French and English lists together).

Before extraction links, ``@handles``, emojis and French/Italian elisions ("l'", "qu'")
are removed and ``#tag`` is read as ``tag``. After it, phrases are keyed by
:func:`socialhub.text.fold` (case and accents folded) so "Télécom", "telecom" and
"TÉLÉCOM" are one phrase; the stage keeps one readable surface form per key (the one
with accents if one was seen, proper nouns and acronyms keep their capitals) in a
bounded LRU table, so once a better form has been seen every later mention reads the
phrase the same way. Mentions processed before that (or by another worker) may carry
a plainer form, so downstream counts group by ``phrase_key(phrase)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from functools import lru_cache
from importlib import resources
from typing import Any

from socialhub.text import phrase_key

__all__ = ["MAX_CHARS", "KeyphraseExtractor", "clean", "surface"]

MAX_CHARS = 5_000  # YAKE is quadratic-ish in candidates: a 100 KB post is cut here
FORMS_CAP = 100_000  # readable forms remembered (LRU)

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+)?|\bRT\b")
_ELISION = re.compile(
    r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|dell|all|dall|nell|sull)['’](?=\w)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^\W_]+")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
# line breaks escaped by an export ("panne\\nça ne marche pas"): a break, not a word "nça"
_ESCAPED_BREAKS = re.compile(r"(?:\\[rnt])+")
# a typed word keeps its own spelling unless the accented form of the same letters is
# this much more frequent (Zipf scale, i.e. >= 6x): "probleme" -> "problème", "reseau" ->
# "réseau", but "marche" (it works) never becomes "marché" (market): both are words
_ACCENT_RESTORE_ZIPF = 0.8
_INNER_PUNCT = re.compile(r"[.!?;:,()\"«»]")
_HASHTAG = re.compile(r"#([^\W_][\w]*)")
# Kept: letters and digits (\w is str.isalnum() plus "_"), spaces, and .,;:!?'’-()"«»
_NOT_KEPT = re.compile(r"[^\w\s.,;:!?'’\-()\"«»]|_")

# words of social-media chatter that are never a topic
_EXTRA_STOPWORDS: dict[str, set[str]] = {
    "fr": {"mdr", "ptdr", "lol", "svp", "stp", "jsp", "bcp", "tkt", "oui", "non", "ouais",
           "bah", "ben", "bon", "via", "rt", "cc", "amp", "http", "https", "ça", "ca",
           "vraiment", "encore", "toujours", "rien", "tout", "trop", "fait", "faire"},
    "en": {"lol", "lmao", "omg", "pls", "via", "rt", "cc", "amp", "http", "https", "yeah",
           "yes", "just", "really", "still", "gonna", "wanna", "im", "dont", "thats"},
}  # fmt: skip
_DEFAULT = "_default"


def _load_stopwords(lang: str) -> set[str] | None:
    """YAKE's packaged list for a language, or None when it has none."""
    try:
        path = resources.files("yake.core").joinpath("StopwordsList", f"stopwords_{lang}.txt")
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError, UnicodeDecodeError):
        return None
    words = {w.strip().lower() for w in text.splitlines() if w.strip()}
    return words or None


def clean(text: str, max_chars: int = MAX_CHARS) -> str:
    """Text for YAKE: no links, handles, emojis, elisions; '#tag' read as 'tag'."""
    # each pattern runs only when the text holds a character its matches need (a
    # search that cannot match leaves the text as it is): most posts skip most of them
    text = text[:max_chars]
    if ":" in text or "." in text:  # https?:// or www.
        text = _URL.sub(" ", text)
    if "@" in text or "RT" in text:
        text = _HANDLE.sub(" ", text)
    if "\\" in text:
        text = _ESCAPED_BREAKS.sub("\n", text)
    if "'" in text or "’" in text:
        text = _ELISION.sub("", text)
    if "\n" in text or "\r" in text:
        text = _NEWLINES.sub(" . ", text)  # a line break ends a sentence (YAKE and casing)
    if "#" in text:
        # a hashtag is its own fragment: "...la fenêtre #rentrée" must not give "fenêtre rentrée"
        text = _HASHTAG.sub(r" ; \1 ; ", text)
    # emojis, '#', '@', symbols, replacement characters of binary junk become spaces
    return " ".join(_NOT_KEPT.sub(" ", text).split())


def surface(phrase: str, text: str = "") -> str:
    """A readable form: names ("Mirabelle Télécom") and acronyms ("SAV") keep capitals.

    A capitalised word keeps its capital unless ``text`` shows it only at the start of
    a sentence ("Recette : tarte..." gives "recette") and it is not followed by another
    capitalised word of the phrase ("Nexo Mobile" stays). All-caps words of 2 to 5
    characters are acronyms; longer shouted words are lowercased.
    """
    words = phrase.split()
    out = []
    for i, word in enumerate(words):
        if _acronym(word):
            out.append(word)
        elif word[:1].isupper() and not word.isupper():
            follows = i + 1 < len(words) and words[i + 1][:1].isupper()
            keep = follows or (i > 0 and out[-1][:1].isupper()) or not _initial_only(word, text)
            out.append(word if keep else word.lower())
        else:
            out.append(word.lower())
    return " ".join(out)


def _acronym(word: str) -> bool:
    return 2 <= len(word) <= 5 and word.isupper() and any(ch.isalpha() for ch in word)


def _initial_only(word: str, text: str) -> bool:
    """True when every occurrence of ``word`` in ``text`` starts a sentence.

    An occurrence is ``word`` with no word character (``\\w``: alphanumeric or ``_``)
    touching either end, found left to right without overlaps, as
    ``re.finditer(r"(?<!\\w)word(?!\\w)")`` finds them (without compiling a pattern
    per word).
    """
    if not word:  # (never from surface(): its words are non-empty)
        starts = [m.start() for m in re.finditer(r"(?<!\w)(?!\w)", text)]
        return bool(starts) and all(i == 0 or text[:i].rstrip()[-1:] in ".!?:;" for i in starts)
    found = False
    size, i = len(word), text.find(word)
    while i >= 0:
        end = i + size
        if (i == 0 or not _is_word_char(text[i - 1])) and (
            end == len(text) or not _is_word_char(text[end])
        ):
            if i and text[:i].rstrip()[-1:] not in ".!?:;":
                return False
            found = True
            i = text.find(word, end)
        else:
            i = text.find(word, i + 1)
    return found


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@lru_cache(maxsize=50_000)
def _quality(form: str) -> tuple[int, int]:
    """How much a form tells: accents first (folding loses them), then capitals."""
    accents = sum(1 for ch in unicodedata.normalize("NFD", form) if unicodedata.combining(ch))
    return accents, sum(1 for w in form.split() if w[:1].isupper())


def _restore(form: str, known: str) -> str:
    """``form`` with ``known``'s spelling word by word, except where that changes the word.

    Both fold to the same key. A name (a capitalised known word) is taken whole; other
    words take the known accents only where the typed word is much rarer than the
    accented one (a missing accent, not another word).
    """
    typed, best = form.split(), known.split()
    if len(typed) != len(best):
        return known
    return " ".join(
        b
        if t.lower() == b.lower() or b[:1].isupper() or _missing_accent(t.lower(), b.lower())
        else t
        for t, b in zip(typed, best, strict=True)
    )


@lru_cache(maxsize=50_000)
def _missing_accent(typed: str, accented: str) -> bool:
    from wordfreq import zipf_frequency

    gap = max(zipf_frequency(accented, "fr"), zipf_frequency(accented, "en")) - max(
        zipf_frequency(typed, "fr"), zipf_frequency(typed, "en")
    )
    return gap >= _ACCENT_RESTORE_ZIPF


class KeyphraseExtractor:
    """YAKE extractors per language plus the readable-form table (picklable, bounded)."""

    def __init__(self, top_k: int = 5, max_ngram: int = 3, max_chars: int = MAX_CHARS) -> None:
        import yake  # noqa: F401  (fail early, in the constructor, if it is missing)

        self.top_k = top_k
        self.max_ngram = max_ngram
        self.max_chars = max_chars
        self._extractors: dict[str, Any] = {}
        self.forms: OrderedDict[str, str] = OrderedDict()

    def _extractor(self, lang: str) -> Any:
        lang = (lang or "").lower()[:2]
        found = self._extractors.get(lang)
        if found is not None:
            return found
        words = _load_stopwords(lang) if lang.isalpha() else None
        if words is None:  # no list for it: the shared extractor with fr + en lists
            lang = _DEFAULT
            found = self._extractors.get(lang)
            if found is not None:
                return found
            words = (_load_stopwords("fr") or set()) | (_load_stopwords("en") or set())
            words |= _EXTRA_STOPWORDS["fr"] | _EXTRA_STOPWORDS["en"]
        else:
            words |= _EXTRA_STOPWORDS.get(lang, set())
        import yake

        # over-generate: some candidates are filtered out afterwards (numbers, 1-2 letters)
        made = yake.KeywordExtractor(
            lan=lang if lang != _DEFAULT else "en",
            n=self.max_ngram,
            top=self.top_k * 3,
            dedup_lim=0.9,
            stopwords=words,
        )
        self._extractors[lang] = made
        return made

    def _readable(self, key: str, form: str) -> str:
        """The form to show for this text: its own words, with the best known accents
        and capitals where they only restore what the writer left out."""
        known = self.forms.get(key)
        best = form if known is None or _quality(form) > _quality(known) else known
        self.forms[key] = best
        self.forms.move_to_end(key)
        if len(self.forms) > FORMS_CAP:
            self.forms.popitem(last=False)
        return form if best is form else _restore(form, best)

    def extract(self, text: str, lang: str = "und") -> list[str]:
        """Top-k readable keyphrases of a text, best first, one per folded key."""
        text = clean(text or "", self.max_chars)
        if not _WORDS.search(text):
            return []
        found = self._extractor(lang).extract_keywords(text)
        out: list[str] = []
        seen: set[str] = set()
        for phrase, _score in found:
            key = phrase_key(phrase)
            words = key.split()
            if not words or key in seen or len(key) < 3 or all(w.isdigit() for w in words):
                continue
            if _INNER_PUNCT.search(phrase.strip(".!?")):  # spans two sentences or clauses
                continue
            # a piece of a phrase already kept adds nothing ("client" after "service client")
            if any(f" {key} " in f" {kept} " for kept in seen):
                continue
            seen.add(key)
            out.append(self._readable(key, surface(phrase, text)))
            if len(out) >= self.top_k:
                break
        return out

    def __getstate__(self) -> dict[str, Any]:
        # YAKE extractors hold caches: rebuilt lazily after unpickling
        state = dict(self.__dict__)
        state["_extractors"] = {}
        return state
