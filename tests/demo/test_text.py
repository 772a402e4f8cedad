"""The text: open vocabulary, brand share, plum noise, typing slips, every rule expands."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections import Counter

import pytest

from socialhub.demo import textgen
from socialhub.demo.textgen import _SLOT, Grammar
from socialhub.models import Mention
from socialhub.text import fold, index_tokens

_CTX = {
    "city": "Lyon", "comp": "Azurel", "comp_at": "@Azurel_FR", "comp_sav": "@AzurelAide",
    "comp_product": "Azurel Fibre", "comp_ceo": "Bertrand Lacombe", "title": "Un titre",
    "ctag": "#MirabelleBalance", "clink": "https://dossiers-fuites.net/x", "outlet": "Le Veilleur",
}  # fmt: skip


def test_vocabulary_is_large(day_stream: list[Mention]) -> None:
    tokens: set[str] = set()
    for m in day_stream:
        tokens.update(index_tokens(m.text))
    assert len(tokens) >= 3_000
    # not a handful of templates: original posts are nearly all distinct (short replies
    # such as "Grave 😂" repeat, as they do in real life; curated topics repeat a little more
    # than the random words they replaced, which read as word salad)
    posts = [m.text for m in day_stream if m.kind in ("post", "article")]
    assert len(set(posts)) > 0.85 * len(posts)


def test_word_frequencies_follow_a_long_tail(day_stream: list[Mention]) -> None:
    counts = Counter(t for m in day_stream for t in index_tokens(m.text) if t.isalpha())
    ranked = [c for _, c in counts.most_common()]
    assert ranked[0] > 50 * ranked[len(ranked) // 2]
    assert sum(1 for c in ranked if c == 1) > 0.3 * len(ranked)  # many words seen once


def test_brand_is_a_minority_but_a_good_share(day_stream: list[Mention]) -> None:
    brand = [m for m in day_stream if re.search(r"mirabelle(?!s)", fold(m.text))]
    share = len(brand) / len(day_stream)
    assert 0.08 < share < 0.35


def test_plum_noise_is_there_and_some_of_it_says_mirabelle(day_stream: list[Mention]) -> None:
    fruit = re.compile(r"confiture|tarte|clafoutis|verger|sorbet|liqueur|mirabelles|plum|kilo")
    plum = [m for m in day_stream if "mirabelle" in fold(m.text) and fruit.search(fold(m.text))]
    assert len(plum) > 200
    # noise that a boolean NOT list does not remove: relevance filtering has work to do
    sneaky = [
        m
        for m in day_stream
        if re.search(r"\bmirabelle\b", fold(m.text))
        and re.search(r"sorbet|liqueur|fruit|macarons|kilo|glace|verre de|gateau", fold(m.text))
        and not re.search(r"confiture|tarte|prune|clafoutis|recette", fold(m.text))
    ]
    assert len(sneaky) > 20


def test_social_texture(day_stream: list[Mention]) -> None:
    texts = [m.text for m in day_stream]
    assert sum("#" in t for t in texts) > 0.08 * len(texts)
    assert sum("@" in t for t in texts) > 0.15 * len(texts)
    assert sum(bool(re.search("[\U0001f300-\U0001faff]", t)) for t in texts) > 0.15 * len(texts)
    assert sum("https://" in t for t in texts) > 0.01 * len(texts)
    assert any(t == t.lower() and len(t) > 40 for t in texts)  # some people never capitalise
    assert "#MirabelleDown" in " ".join(texts)


def test_typos_happen(day_stream: list[Mention]) -> None:
    # the same template shows up with slips: "depuis" is in many complaint templates
    words = Counter(w for m in day_stream for w in index_tokens(m.text))
    assert words["depuis"] > 100
    slips = [w for w in ("dpeuis", "depiis", "depui", "deupis", "depuiss", "ddepuis") if words[w]]
    near = [w for w in words if w != "depuis" and len(w) == 6 and sorted(w) == sorted("depuis")]
    assert slips or near


def test_no_real_operator_or_politician_in_generated_text(day_stream: list[Mention]) -> None:
    words = set()
    for m in day_stream:
        words.update(index_tokens(m.text))
    assert not words & {"sfr", "bouygues", "orange", "iliad", "macron", "trump", "netflix"}


@pytest.mark.parametrize("lang", textgen.LANGS)
def test_every_rule_expands(lang: str) -> None:
    g = textgen.grammar(lang)
    rng = random.Random(0)
    for name, alts in g.rules.items():
        for _ in range(3 * len(alts)):
            text = g.expand(rng, name, _CTX)
            assert "{" not in text and "}" not in text, (name, text)
    # every referenced slot is defined somewhere
    defined = set(g.rules) | set(g.dynamic) | set(_CTX) | {"link", "coordinated"}
    for alts in g.rules.values():
        for part in alts:
            for piece in part:
                if isinstance(piece, tuple):
                    assert piece[0] in defined, (lang, piece[0])
    # every intent the simulator may ask for resolves to a rule
    for intent in set(textgen.FALLBACK):
        assert g.has(g.resolve(intent))


def test_grammar_optional_and_context_slots() -> None:
    g = Grammar("fr", {"s": ["a{?x}b {y}"], "x": ["X"], "y": ["Y"]})
    outs = {g.expand(random.Random(i), "s", {}) for i in range(40)}
    assert outs == {"aXb Y", "ab Y"}
    assert g.expand(random.Random(1), "s", {"y": "ctx"}).endswith("ctx")
    assert _SLOT.findall("{a} {?b}") == [("", "a"), ("?", "b")]


_OFFLINE = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
from socialhub.demo import Simulator
texts = [m.text for m in Simulator(seed=5).take(300)]
assert len(texts) == 300
print("ok")
"""


def test_vocabulary_loads_offline() -> None:
    out = subprocess.run([sys.executable, "-c", _OFFLINE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
