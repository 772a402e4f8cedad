"""Open vocabulary for the demo text: word lists with their real frequencies (wordfreq).

``wordfreq`` ships its frequency tables inside the wheel, so nothing is downloaded. Words
are drawn with their corpus frequency, which gives the Zipf-shaped token distribution a
search index sees in production (a few very common words, a very long tail).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

# Real companies, brands and public figures that appear in general word lists: the demo
# world is fictional, and our own brand words must only appear where the script puts them.
_BLOCK = frozenset(
    """
    airbus amazon android apple attal azurel bardella barnier bayrou berlusconi bezos biden
    borne bouygues castex chirac citroen clinton comcast danone darmanin disney facebook
    fillon free gaulle giscard google hidalgo hitler hollande huawei ikea iliad instagram
    iphone johnson jospin juppé lebara lepen linkedin lycamobile macron melenchon meloni
    merkel microsoft mirabelle mirabelles mitterrand movistar musk mélenchon netflix nexo
    nintendo nokia numericable o2 obama ol om orange pen peugeot playstation pompidou poutine
    proximus prune prunes psg putin pécresse quetsche red renault retailleau royal samsung
    sanchez sarkozy scholz sfr snapchat sony sosh spotify swisscom telefonica telekom telvia
    tesla tiktok tim total trump twitter uber valls verizon vodafone whatsapp wind xbox
    youtube zemmour zuckerberg
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Stems kept out of generated text and handles: the demo is shown to visitors.
_SENSITIVE = (
    "islam",
    "juif",
    "juive",
    "nazi",
    "terroris",
    "viol",
    "pedo",
    "pédo",
    "porn",
    "sexe",
    "sexu",
    "nègre",
    "negre",
    "suicid",
    "racis",
    "jihad",
    "djihad",
    "attentat",
    "salope",
    "nigg",
    "fuck",
    "shit",
    "bitch",
    "holocaust",
    "shoah",
    "génocid",
    "genocid",
    "muslim",
    "cocu",
    "connard",
    "encul",
    "pédé",
    "batard",
    "bâtard",
)
CONTENT_MIN_RANK = 600  # below this rank: function words and fillers, poor topic words
TOP_N = 30_000


@dataclass(frozen=True, slots=True)
class WordTable:
    """A word list with cumulative weights for fast weighted sampling (bisect)."""

    words: tuple[str, ...]
    cum: tuple[float, ...]

    def draw(self, rng: random.Random, k: int = 1) -> list[str]:
        words, cum, r = self.words, self.cum, rng.random
        total = cum[-1]
        return [words[bisect_right(cum, r() * total)] for _ in range(k)]

    def one(self, rng: random.Random) -> str:
        return self.words[bisect_right(self.cum, rng.random() * self.cum[-1])]


def _ok(word: str) -> bool:
    if word in _BLOCK or len(word) > 24 or any(stem in word for stem in _SENSITIVE):
        return False
    core = word.replace("'", "").replace("-", "")
    return core.isalpha()


@cache
def tables(lang: str) -> tuple[WordTable, WordTable]:
    """(all words, content words) for a language; cached per process.

    The first table keeps function words (for filler fragments), the second starts
    at rank ``CONTENT_MIN_RANK`` and keeps words of 4+ letters (topic words).
    """
    import wordfreq  # local: only needed here

    # buckets[i] holds the words of frequency 10 ** (-i / 100), most frequent first
    buckets = wordfreq.get_frequency_list(lang)
    all_w: list[str] = []
    all_f: list[float] = []
    con_w: list[str] = []
    con_f: list[float] = []
    rank = 0
    for i, bucket in enumerate(buckets):
        f = 10 ** (-i / 100)
        for w in bucket:
            if rank >= TOP_N:
                break
            rank += 1
            if not _ok(w):
                continue
            all_w.append(w)
            all_f.append(f)
            if rank >= CONTENT_MIN_RANK and len(w) >= 4 and "'" not in w:
                con_w.append(w)
                con_f.append(f)
    return (
        WordTable(tuple(all_w), tuple(accumulate(all_f))),
        WordTable(tuple(con_w), tuple(accumulate(con_f))),
    )


def typo(rng: random.Random, text: str) -> str:
    """One plausible typing slip in a word of 5+ letters (never in a link, tag or handle)."""
    words = text.split(" ")
    candidates = [
        i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and not w[0].isupper()
    ]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    how = rng.random()
    if how < 0.35:  # swapped letters
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    elif how < 0.65:  # dropped letter
        w = w[:j] + w[j + 1 :]
    elif how < 0.85:  # doubled letter
        w = w[:j] + w[j] + w[j:]
    else:  # neighbouring key
        w = w[:j] + _NEAR.get(w[j], w[j]) + w[j + 1 :]
    words[i] = w
    return " ".join(words)


_NEAR = dict(zip("azertyuiopqsdfghjklmwxcvbn", "zertyuiopodfghjklmlsxcvbnb", strict=True))

_ACCENTS = str.maketrans("éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇ", "eeeeaaaiioouuucEEEAAIOUUC")


def strip_accents(text: str) -> str:
    """What many people type on a phone: no accents at all."""
    return text.translate(_ACCENTS)
