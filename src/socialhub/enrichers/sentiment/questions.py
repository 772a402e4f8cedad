"""Plain questions: a question without a negative word is not negative (issue 18).

Both models learnt from tweets where questions are often complaints ("why is it down
again?"), so polite questions to a brand ("How do I change my billing address?",
"Est-ce que la fibre est disponible à Nantes ?") came out negative. The rule: a text
that *ends with a question* and holds *no negative cue* cannot be negative — its
probability of being negative moves to neutral (positive is left alone).

A negative cue is any of: a word with a negative valence in the VADER English or French
lexicon (``valences.json``, folded like the fast model's tokens), a negator (``pas``,
``sans``, ``not``, ``never``…, the fast model's list), a complaint word the lexicons
miss (:data:`COMPLAINT_WORDS`), a negative emoticon or emoji (:data:`NEGATIVE_MARKS`),
``?!`` / ``!?`` (indignation), or a word of 3+ letters in capitals (shouting).

How often the rule is right was measured on *training* data only (SemEval English
train and xlmt train, the datasets' own labels; see docs/models/sentiment.md).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.sentiment.hashing import NEGATORS, Lexicon
from socialhub.enrichers.sentiment.normalize import clean, fold_for_hashing

#: Complaint words the VADER lexicons lack (folded: lowercase, no accents).
_COMPLAINTS = (
    "panne pannes coupure coupe coupee bug bugs bugue beug lent lente lenteur lenteurs "
    "retard retards rembourser remboursement arnaque escroc encore toujours marre "
    "down outage outages slow broken crash crashed still again refund scam ugh wtf"
)
COMPLAINT_WORDS = frozenset(_COMPLAINTS.split())
#: Negative emoticons and emoji (as they appear after :func:`clean`).
NEGATIVE_MARKS = (
    ":(", ":-(", ":/", ":-/", ":'(", ">:(", "D:", "-_-",
    "😡", "😠", "🤬", "😤", "😒", "😞", "😔", "😟", "😕", "🙁", "☹", "😣", "😖", "😫",
    "😩", "😢", "😭", "😰", "😱", "🙄", "👎", "💩", "🤮", "🤢", "😑", "🙃", "😬",
)  # fmt: skip
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SHOUT = re.compile(r"\b[A-ZÀ-Ý]{3,}\b")
# What may follow the final "?": spaces, closing quotes/brackets, links (raw, or the
# "http" clean() leaves), handles and hashtags.
_TAIL = re.compile(r"(?:\s|[\"'»)\]]|https?://\S*|http|@\w+|#\w+)*")


def is_question(text: str) -> bool:
    """True when the text's last sentence ends with ``?`` (trailing links, handles,
    hashtags and quotes ignored).

    >>> is_question("Est-ce que la fibre est dispo à Nantes ? @user http")
    True
    >>> is_question("Pourquoi ? Parce que c'est en panne.")
    False
    """
    if not isinstance(text, str):
        return False
    # On the raw text (no clean(): the fast path calls this on every text).
    last = text.rfind("?")
    return last >= 0 and _TAIL.fullmatch(text, last + 1) is not None


def negative_cue(text: str, lexicon: Lexicon) -> bool:
    """True when ``text`` holds a negative cue (see the module docstring).

    >>> negative_cue("How do I change my billing address?", {})
    False
    >>> negative_cue("Why is it STILL down?", {})
    True
    """
    cleaned = clean(text)
    if "?!" in cleaned or "!?" in cleaned or _SHOUT.search(cleaned):
        return True
    if any(mark in cleaned for mark in NEGATIVE_MARKS):
        return True
    for token in _TOKEN.findall(fold_for_hashing(cleaned)):
        if token in NEGATORS or token in COMPLAINT_WORDS:
            return True
        valence = lexicon.get(token)
        if valence is not None and min(valence) < 0:
            return True
    return False


def plain_questions(texts: list[str], lexicon: Lexicon) -> npt.NDArray[np.bool_]:
    """Per text: a question with no negative cue."""
    return np.array(
        [isinstance(t, str) and is_question(t) and not negative_cue(t, lexicon) for t in texts],
        dtype=bool,
    )


def apply(probs: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """Move the negative probability of the ``mask`` rows to neutral (a copy)."""
    out = probs.copy()
    out[mask, 1] += out[mask, 0]
    out[mask, 0] = 0.0
    return out
