"""Near-duplicate clustering: edits land together, unrelated texts and links stay apart,
memory stays bounded, the state pickles and hashes the same in another process."""

from __future__ import annotations

import pickle
import random
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from socialhub.enrichers.neardup import NearDup, NearDupIndex
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.shared_data import shared_data_dir
from socialhub.text import links_of, normalise_link

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ORIGINAL = (
    "Chez Mirabelle Télécom on a des appels qui coupent toute la journée, et le service "
    "client raccroche au bout de dix minutes. Inadmissible."
)


def mention(n: int | str, text: str) -> Mention:
    return Mention("x", str(n), text, T0)


def hostile_texts() -> list[str]:
    rng = random.Random(7)
    return [
        "",
        "   \n\t ",
        "a" * 100_000,
        " ".join(rng.choice(["fibre", "panne", "box", "réseau", "appel"]) for _ in range(20_000)),
        rng.randbytes(4_000).decode("utf-8", errors="replace"),
        "Привет мир, 你好世界, مرحبا بالعالم, Bonjour le monde, שלום עולם",
        "😡🔥😂👍🏽🇫🇷" * 50,
        "\x00\x01\x02 nul \udcff lone surrogate",
    ]


def test_small_edits_land_in_the_first_members_cluster() -> None:
    variants = [
        ORIGINAL,
        ORIGINAL.replace("raccroche", "coupe"),  # a word changed
        ORIGINAL + " 😡😡 @mirabelle_sav https://t.co/AbC123",  # emojis, handle, link
        ORIGINAL.upper(),  # case
        ORIGINAL.replace("é", "e").replace("Télécom", "Telecom"),  # accents
        "RT @lea_martin: " + ORIGINAL + " #panne",  # a retweet with a hashtag
        ORIGINAL.replace("dix", "quinze").replace("toute la journée", "tout le temps"),
    ]
    stage = NearDup(Context(None, {}))
    batch = [mention(i, t) for i, t in enumerate(variants)]
    stage.process(batch)
    assert {m.cluster_id for m in batch} == {"c:x:0"}
    assert [m.cluster_size for m in batch] == list(range(1, len(variants) + 1))


def test_unrelated_texts_on_the_same_topic_stay_apart() -> None:
    texts = [
        "La fibre est en panne à Lyon depuis ce matin, plus rien ne marche à la maison",
        "Mirabelle Télécom annonce une hausse de ses tarifs mobiles au premier janvier",
        "Le service client m'a enfin rappelé, problème de box réglé en dix minutes",
        "Nexo Mobile déploie la 5G à Marseille et Toulouse avant la fin de l'année",
        "Quelqu'un sait si la box Mirabelle est compatible avec le wifi 7 ?",
        "Trois heures d'attente au téléphone pour résilier mon abonnement, incroyable",
        "Super débit ce soir, je télécharge un jeu de 80 Go en vingt minutes",
        "Le réseau mobile sature à chaque match au stade, comme d'habitude",
    ]
    stage = NearDup(Context(None, {}))
    batch = [mention(i, t) for i, t in enumerate(texts)]
    stage.process(batch)
    assert len({m.cluster_id for m in batch}) == len(texts)
    assert all(m.cluster_size == 1 for m in batch)


def test_real_tweets_rarely_merge_and_only_with_shared_wording() -> None:
    root = shared_data_dir() / "sentiment" / "xlmt"
    index = NearDupIndex()
    groups: dict[str, list[set[str]]] = {}
    n = 0
    for folder in ("french", "english", "spanish", "german"):
        lines = (root / folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
        for i, text in enumerate(lines):
            cid, _ = index.assign(f"{folder}:{i}", text)
            words = {w for w in text.lower().split() if w.isalpha() and len(w) > 3}
            groups.setdefault(cid, []).append(words)
            n += 1
    assert len(groups) >= 0.98 * n  # real tweets are almost all distinct
    for members in groups.values():  # and what merged really shares its wording
        first = members[0]
        for other in members[1:]:
            assert len(first & other) >= 0.4 * min(len(first), len(other))


def test_the_same_link_shared_by_many_accounts_forms_a_cluster() -> None:
    stage = NearDup(Context(None, {}))
    batch = [
        mention(1, "Lisez ça https://www.Journal-Exemple.fr/eco/article-42/?utm_source=tw"),
        mention(2, "Incroyable cette enquête http://journal-exemple.fr/eco/article-42#top"),
        mention(3, "journal-exemple.fr/eco/article-42?fbclid=IwAR0xyz à partager"),
        mention(4, "Rien à voir https://journal-exemple.fr/eco/article-43"),
        mention(5, "Bof"),
    ]
    stage.process(batch)
    assert [m.cluster_id for m in batch[:3]] == ["c:x:1"] * 3
    assert batch[2].cluster_size == 3
    assert batch[3].cluster_id == "c:x:4" and batch[4].cluster_id == "c:x:5"


def test_links_are_normalised() -> None:
    assert normalise_link("HTTPS://www.Ex.com/a/b/?utm_source=x&b=2&fbclid=zz#frag") == (
        "ex.com/a/b?b=2"
    )
    assert normalise_link("http://ex.com/") == normalise_link("https://www.ex.com") == "ex.com"
    assert normalise_link("http://localhost/x") is None
    assert normalise_link("http://[::1") is None  # invalid IPv6 literal must not raise
    assert links_of("voir https://ex.com/a. et www.ex.com/a !") == ["ex.com/a"]


def test_short_texts_cluster_only_on_exact_normalised_text() -> None:
    stage = NearDup(Context(None, {}))
    batch = [
        mention(1, "Toujours pas réglé ?"),
        mention(2, "@mirabelle TOUJOURS pas reglé ?! 😡"),
        mention(3, "Toujours pas réparé ?"),
        mention(4, "toujours pas"),
        mention(5, "@lea@piaille.example Toujours pas réglé ?"),  # a fediverse handle
    ]
    stage.process(batch)
    assert [m.cluster_id for m in batch] == ["c:x:1", "c:x:1", "c:x:3", "c:x:4", "c:x:1"]


def test_a_recollected_mention_keeps_its_cluster_without_growing_it() -> None:
    stage = NearDup(Context(None, {}))
    first, copy = mention(1, ORIGINAL), mention(2, ORIGINAL + " !!")
    stage.process([first, copy])
    again = mention(2, ORIGINAL + " !!")
    stage.process([again])
    assert (again.cluster_id, again.cluster_size) == ("c:x:1", 2)


def test_memory_is_bounded() -> None:
    index = NearDupIndex(max_clusters=50)
    rng = random.Random(3)
    vocab = [f"mot{i}" for i in range(5_000)]
    for i in range(1_000):
        text = " ".join(rng.choice(vocab) for _ in range(12)) + f" https://ex{i}.fr/p"
        index.assign(f"x:{i}", text)
        index.assign(f"y:{i}", f"court {i}")
    assert len(index.clusters) <= 50
    assert len(index.buckets) <= 50 * index.bands
    assert len(index.links) <= 50 and len(index.exact) <= 50
    assert len(index.seen) <= 200


def test_state_pickles_and_clustering_goes_on() -> None:
    stage = NearDup(Context(None, {}))
    stage.process([mention(1, ORIGINAL)])
    restored = pickle.loads(pickle.dumps(stage))
    later = mention(2, ORIGINAL.replace("appels", "coups de fil"))
    restored.process([later])
    assert (later.cluster_id, later.cluster_size) == ("c:x:1", 2)


def test_signatures_are_the_same_in_another_process() -> None:
    norm = "chez mirabelle telecom on a des appels qui coupent"
    here = NearDupIndex().signature(norm).tolist()
    code = (
        "from socialhub.enrichers.neardup import NearDupIndex;"
        f"print(NearDupIndex().signature({norm!r}).tolist())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert out.stdout.strip() == str(here)


@pytest.mark.parametrize("text", hostile_texts(), ids=lambda t: repr(t[:12]))
def test_hostile_input_never_breaks_a_batch(text: str) -> None:
    stage = NearDup(Context(None, {}))
    batch = [mention(1, text), mention(2, ORIGINAL), mention(3, text)]
    start = time.perf_counter()
    out = stage.process(batch)
    assert time.perf_counter() - start < 2.0
    assert out == batch
    assert all(m.cluster_id and m.cluster_size >= 1 for m in batch)
    assert batch[1].cluster_id == "c:x:2"
