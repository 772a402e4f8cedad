"""Word valences from the VADER lexicons, baked into a small committed JSON file.

The fast model uses summed valences as eight extra features (see
:func:`~socialhub.enrichers.sentiment.hashing.featurize`): 1,839 English training
tweets cannot teach the polarity of every word, a lexicon of 7,500 rated words can.
Built at training time from the ``vaderSentiment`` (English, MIT, Hutto & Gilbert 2014)
and ``vaderSentiment-fr`` (French, MIT) wheels; read at run time with no dependency.
Keys are folded like the model's tokens (lowercase, no accents). An emoji gets the
summed valence of the words of its description ("smiling face with heart-eyes").
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from socialhub.enrichers.sentiment.hashing import Lexicon
from socialhub.enrichers.sentiment.normalize import fold_for_hashing

FILE = "valences.json"
_WORD = re.compile(r"^\w+$")


def _package_dir(name: str) -> Path:
    spec = __import__(name).__file__
    if spec is None:
        raise ImportError(name)
    return Path(spec).parent


def _read_valences(path: Path, sep: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(sep)
        if len(parts) < 2:
            continue
        try:
            value = float(parts[1])
        except ValueError:
            continue
        key = fold_for_hashing(parts[0])
        if _WORD.match(key):
            out.setdefault(key, value)
    return out


def _emoji_valences(path: Path, words: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        emoji, _, description = line.partition("\t")
        key = fold_for_hashing(emoji.strip())
        total = sum(words.get(fold_for_hashing(w), 0.0) for w in description.split())
        if len(key) == 1 and total:
            out[key] = round(total, 2)
    return out


def build_from_vader() -> Lexicon:
    """Read both VADER wheels into ``{token: (english, french)}`` (training time only)."""
    en_dir = _package_dir("vaderSentiment")
    fr_dir = _package_dir("vaderSentiment_fr")
    english = _read_valences(en_dir / "vader_lexicon.txt", "\t")
    french = _read_valences(fr_dir / "fr_lexicon.txt", "->")
    english |= _emoji_valences(en_dir / "emoji_utf8_lexicon.txt", english)
    french |= _emoji_valences(fr_dir / "emojis_fr.txt", french)
    return {
        key: (english.get(key, 0.0), french.get(key, 0.0))
        for key in sorted(english.keys() | french.keys())
    }


def save(lexicon: Lexicon, path: Path) -> None:
    """Write the table as compact JSON with its provenance."""
    doc = {
        "source": "vaderSentiment 3.3.2 (MIT) and vaderSentiment-fr 1.3.4 (MIT) lexicons",
        "columns": ["en", "fr"],
        "valences": {k: [round(a, 2), round(b, 2)] for k, (a, b) in lexicon.items()},
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def parse(text: str) -> Lexicon:
    """Inverse of :func:`save` (from the file's text)."""
    doc = json.loads(text)
    return {k: (float(v[0]), float(v[1])) for k, v in doc["valences"].items()}


def load() -> Lexicon:
    """The committed table, read with :mod:`importlib.resources`."""
    ref = resources.files("socialhub.enrichers.sentiment") / "models" / FILE
    return parse(ref.read_text(encoding="utf-8"))
