"""Readers for the labelled sentiment data in ``shared/data/sentiment`` (never copied here).

Labels everywhere are the ints 0 negative, 1 neutral, 2 positive. The data folder is
``$SOCIALHUB_DATA`` or ``../shared/data`` beside the repository root; either the data
root or its ``sentiment`` sub-folder may be passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from socialhub.shared_data import shared_data_dir

LABELS = ("negative", "neutral", "positive")
#: xlmt folder name -> ISO 639-1 code.
XLMT_LANGS = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}


@dataclass(frozen=True)
class Split:
    """One labelled split: parallel lists of texts and int labels.

    ``binary`` marks data with no neutral class (allocine reviews).
    """

    name: str
    lang: str
    texts: list[str]
    labels: list[int]
    binary: bool = False


def default_data_dir() -> Path:
    """See :func:`socialhub.shared_data.shared_data_dir`."""
    return shared_data_dir()


def sentiment_dir(data_dir: str | Path | None = None) -> Path:
    """Resolve the ``sentiment`` folder from a data root (or the folder itself)."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if (root / "sentiment").is_dir():
        return root / "sentiment"
    if (root / "xlmt").is_dir():
        return root
    raise FileNotFoundError(f"no sentiment data under {root} (set SOCIALHUB_DATA)")


def _lines(path: Path) -> list[str]:
    # Split on "\n" only: tweets may contain other Unicode line separators.
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _paired(texts: list[str], labels: list[str], where: Path) -> tuple[list[str], list[int]]:
    if len(texts) != len(labels):
        raise ValueError(f"{where}: {len(texts)} texts but {len(labels)} labels")
    return texts, [int(x) for x in labels]


def xlmt(lang: str, split: str, data_dir: str | Path | None = None) -> Split:
    """XLM-T / UMSAB tweets: ``lang`` is a folder name (``french``) or code (``fr``)."""
    folder = {v: k for k, v in XLMT_LANGS.items()}.get(lang, lang)
    base = sentiment_dir(data_dir) / "xlmt" / folder
    texts, labels = _paired(
        _lines(base / f"{split}_text.txt"), _lines(base / f"{split}_labels.txt"), base
    )
    return Split(f"xlmt/{folder}/{split}", XLMT_LANGS[folder], texts, labels)


def tweeteval_val(data_dir: str | Path | None = None) -> Split:
    """TweetEval sentiment val (English); most rows duplicate xlmt/english (see README)."""
    base = sentiment_dir(data_dir) / "tweeteval_val"
    texts, labels = _paired(_lines(base / "val_text.txt"), _lines(base / "val_labels.txt"), base)
    return Split("tweeteval_val", "en", texts, labels)


def allocine(split: str, data_dir: str | Path | None = None) -> Split:
    """Allociné TV-series reviews (French, binary): 0 -> negative (0), 1 -> positive (2)."""
    path = sentiment_dir(data_dir) / "allocine_fr" / f"{split}.tsv"
    texts: list[str] = []
    labels: list[int] = []
    for line in _lines(path):
        label, _, text = line.partition("\t")
        texts.append(text)
        labels.append(2 if int(label) == 1 else 0)
    return Split(f"allocine_fr/{split}", "fr", texts, labels, binary=True)


def dedup_key(text: str) -> str:
    """Key under which two tweets count as the same (whitespace-insensitive)."""
    return " ".join(text.split())


def without(split: Split, seen: Iterable[str], name: str) -> Split:
    """``split`` minus the rows whose text is in ``seen`` (compared by :func:`dedup_key`)."""
    keys = {dedup_key(t) for t in seen}
    rows = [
        (t, y) for t, y in zip(split.texts, split.labels, strict=True) if dedup_key(t) not in keys
    ]
    return Split(name, split.lang, [t for t, _ in rows], [y for _, y in rows], split.binary)


#: SemEval 2013-2016 subtask A files (``semeval_en/twitter-<name>-A.txt``).
SEMEVAL_FILES = (
    "2013train", "2013dev", "2013test", "2014test", "2014sarcasm",
    "2015train", "2015test", "2016train", "2016dev", "2016devtest", "2016test",
)  # fmt: skip
#: The SemEval file held out for validation (never trained on): the README advises a
#: 2016 file, and devtest is the 2016 split nobody else here uses.
SEMEVAL_VAL = "2016devtest"
#: SemEval 2014's sarcastic tweets (86), held out too: the only real sarcasm set here.
SEMEVAL_SARCASM = "2014sarcasm"
_SEMEVAL_LABELS = {"negative": 0, "neutral": 1, "positive": 2}
_NON_WORD = re.compile(r"[^\w]+")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_AT = re.compile(r"(?<![\w@])@\w+")


def norm_key(text: str) -> str:
    """Text key for de-duplication across corpora: links, handles, case, punctuation out.

    The same tweet appears in xlmt, TweetEval and SemEval with different quoting,
    ``@user`` masking and link shortening; this key sees through those.

    >>> norm_key('"Watch @Bob on https://t.co/x  NOW!"') == norm_key("watch @user on http now")
    True
    """
    text = _AT.sub(" ", _LINK.sub(" ", text)).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def semeval_en(files: Iterable[str] = SEMEVAL_FILES, data_dir: str | Path | None = None) -> Split:
    """SemEval English tweets from ``files``, one row per distinct text.

    Rows repeated across files (by id or by :func:`norm_key`) are kept once; a text
    seen with two different labels is dropped.
    """
    base = sentiment_dir(data_dir) / "semeval_en"
    rows: dict[str, tuple[str, int]] = {}
    conflicts: set[str] = set()
    ids: set[str] = set()
    names = list(files)
    for name in names:
        for line in _lines(base / f"twitter-{name}-A.txt"):
            parts = line.rstrip("\t\r").split("\t", 2)
            if len(parts) < 3 or parts[1] not in _SEMEVAL_LABELS or parts[0] in ids:
                continue
            ids.add(parts[0])
            text = parts[2].strip()
            if len(text) > 1 and text[0] == text[-1] == '"':
                text = text[1:-1].replace('""', '"')
            key = norm_key(text)
            label = _SEMEVAL_LABELS[parts[1]]
            if key in rows and rows[key][1] != label:
                conflicts.add(key)
            rows.setdefault(key, (text, label))
    kept = [v for k, v in rows.items() if k not in conflicts]
    tag = names[0] if len(names) == 1 else "all"
    return Split(f"semeval_en/{tag}", "en", [t for t, _ in kept], [y for _, y in kept])


def semeval_train(data_dir: str | Path | None = None) -> Split:
    """SemEval English tweets that no validation split holds (by normalised text).

    Dropped: the held-out files (2016 devtest, 2014 sarcasm), every xlmt val tweet
    (any language), every TweetEval val tweet, and the copies of xlmt/english train
    (trained on once, as xlmt).
    """
    held: set[str] = set()
    for folder in XLMT_LANGS:
        held |= {norm_key(t) for t in xlmt(folder, "val", data_dir).texts}
    held |= {norm_key(t) for t in tweeteval_val(data_dir).texts}
    for name in (SEMEVAL_VAL, SEMEVAL_SARCASM):
        held |= {norm_key(t) for t in semeval_en([name], data_dir).texts}
    held |= {norm_key(t) for t in xlmt("en", "train", data_dir).texts}
    held_out = (SEMEVAL_VAL, SEMEVAL_SARCASM)
    files = [f for f in SEMEVAL_FILES if f not in held_out]
    split = semeval_en(files, data_dir)
    rows = [
        (t, y) for t, y in zip(split.texts, split.labels, strict=True) if norm_key(t) not in held
    ]
    return Split("semeval_en/train", "en", [t for t, _ in rows], [y for _, y in rows])
