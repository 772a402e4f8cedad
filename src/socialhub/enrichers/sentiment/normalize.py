"""Text clean-up shared by training and inference, so both see exactly the same input.

Two levels:

- :func:`clean` makes any string safe and bounded for the encoder: invalid UTF-8
  (lone surrogates), control characters and NULs are replaced, the length is capped,
  links and handles are rewritten the way the training tweets were (``http``,
  ``@user``), whitespace is collapsed. Case and accents are kept: the encoder uses them.
- :func:`fold_for_hashing` goes further for the hashed n-gram model: lowercase without
  accents (:func:`socialhub.text.fold`), digits mapped to ``0`` (so "3 jours" and
  "5 jours" share features), emoji modifiers dropped, letter runs squashed
  ("nuuuul" -> "nuuul"), English "n't" spelled out as " not" so negation is one token.
"""

from __future__ import annotations

import re

from socialhub.text import fold

#: Characters kept per text. Sentiment of a post is decided early; a 100 KB article
#: would otherwise cost the encoder ~50 windows. Documented in the model card.
MAX_CHARS = 2000

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
_RUNS = re.compile(r"(.)\1{3,}")
_NOT = re.compile(r"n't\b")
# Variation selectors, zero-width joiner and skin tones make one emoji look like many.
_EMOJI_NOISE = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


def _printable(text: str) -> str:
    """Replace control and format characters (NUL, BEL, bidi marks...) with spaces."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\u200d" else " " for ch in text)


def clean(text: object) -> str:
    """Return a safe, bounded version of ``text`` for any of the sentiment models.

    Parameters
    ----------
    text
        Normally a ``str``; ``None`` and bytes are tolerated (hostile input must not
        crash a pipeline batch).

    Returns
    -------
    str
        Valid UTF-8 text of at most :data:`MAX_CHARS` characters (plus rewriting).

    Examples
    --------
    >>> clean("Voir https://exemple.fr/x @Bob\\x00 !")
    'Voir http @user !'
    """
    if text is None:
        return ""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    text = text[: MAX_CHARS * 2]  # bound the work before the regexes run
    # Lone surrogates cannot be encoded to UTF-8 and would crash the C encoder.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _printable(text)
    # a pattern runs only when the text holds a character its matches need
    if ":" in text or "." in text:  # https?:// or www.
        text = _URL.sub("http", text)
    if "@" in text:
        text = _HANDLE.sub("@user", text)
    # str.split() and \s split on the same characters (Py_UNICODE_ISSPACE)
    return " ".join(text.split())[:MAX_CHARS]


def fold_for_hashing(cleaned: str) -> str:
    """Fold a :func:`clean` text for the hashed n-gram model.

    Examples
    --------
    >>> fold_for_hashing("Toujours PAS de réseau depuis 3 jours!!!!!! 😡😡")
    'toujours pas de reseau depuis 0 jours!!! 😡😡'
    >>> fold_for_hashing("I don't like it")
    'i do not like it'
    """
    text = fold(cleaned).replace("\u2019", "'")
    if not text.isascii():  # emoji noise is never ASCII
        text = _EMOJI_NOISE.sub("", text)
    if "n't" in text:
        text = _NOT.sub(" not", text)
    text = _DIGITS.sub("0", text)
    return _RUNS.sub(r"\1\1\1", text)
