"""The fast keyphrase method: same readable forms as YAKE, names kept whole, fast."""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime

from socialhub.enrichers.keyphrases import Keyphrases
from socialhub.enrichers.keyphrases_fast import FastKeyphraseExtractor
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.text import phrase_key

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOSTILE = [
    "",
    "a" * 100_000,
    "La fibre Mirabelle est en panne à Lyon. " * 2_500,
    random.Random(7).randbytes(4_000).decode("utf-8", errors="replace"),
    "😀🔥💜" * 300,
    "Mirabelle 網路 故障 сеть не работает الإنترنت مقطوع",
    "\x00\ud800 lone surrogate",
]


def mention(n: int, text: str) -> Mention:
    return Mention("x", str(n), text, T0, lang="fr")


def test_names_are_kept_whole_and_first() -> None:
    got = FastKeyphraseExtractor().extract(
        "Vous êtes chez Mirabelle Télécom ou chez Nexo Mobile ? J'hésite pour Montpellier", "fr"
    )
    keys = [phrase_key(p) for p in got]
    assert "mirabelle telecom" in keys and "nexo mobile" in keys and "montpellier" in keys
    assert "nexo" not in keys  # replaced by the longer name
    assert "Mirabelle Télécom" in got  # capitals and accents kept


def test_stopwords_numbers_links_and_handles_are_not_phrases() -> None:
    got = FastKeyphraseExtractor().extract(
        "@MirabelleSAV 3 jours sans internet https://ex.fr/x et rien de plus", "fr"
    )
    keys = " | ".join(phrase_key(p) for p in got)
    assert "internet" in keys
    for junk in ("mirabellesav", "https", "3", "rien", "et"):
        assert junk not in keys.split(" | ")


def test_stage_uses_the_fast_method_and_survives_hostile_input() -> None:
    stage = Keyphrases(Context(None, {"keyphrases_method": "fast"}))
    assert isinstance(stage.extractor, FastKeyphraseExtractor)
    batch = [mention(i, text) for i, text in enumerate(HOSTILE)]
    out = stage.process(batch)
    assert len(out) == len(batch)
    assert all(isinstance(m, Mention) for m in out)
    clone = pickle.loads(pickle.dumps(stage.extractor))
    assert clone.extract("Panne Mirabelle Box à Lyon", "fr") == stage.extractor.extract(
        "Panne Mirabelle Box à Lyon", "fr"
    )
