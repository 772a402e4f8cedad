"""The bulk-import speed-ups (issue 21) give the answers of the forms they replace."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialhub.enrichers import keyphrases_fast as kf
from socialhub.enrichers import press_requests as pr
from socialhub.enrichers.categories.hashed import HashedEmbedder
from socialhub.enrichers.categories.stage import CategoriesStage
from socialhub.enrichers.keyphrases_yake import _initial_only
from socialhub.models import Mention
from socialhub.pipeline.base import Context

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "categories_dev.jsonl"

PRESS = [
    "Je cherche des abonnés fibre à Cannes pour un reportage, DM ouverts",
    "JE CHERCHE DES TÉMOINS POUR UN REPORTAGE",
    "Appel À Témoins : panne à Lyon",
    "Journalist here: LOOKING FOR people affected by the outage, DMs open",
    "Interview Request: anyone affected?",
    "Je cherche une coloc à Lyon, budget serré",
    "Looking forward to the article",
    # characters IGNORECASE folds to ASCII letters and str.lower() does not
    "Journalıst here: looking for wıtnesses",
    "İnterview request for my ſtory",
    "looKıng for people affected, DMs open, for a ſtory",
    "",
]


def _texts() -> list[str]:
    base = [json.loads(line)["text"] for line in FIXTURE.read_text().splitlines() if line]
    out = list(PRESS)
    for t in base:
        out += [t, t.upper(), t.title(), t.swapcase()]
    return out


def _press_reference(text: str) -> str | None:
    """The detector as it was: IGNORECASE patterns on the text as written."""
    if not text or pr._NOT.search(text):
        return None
    if pr._DIRECT.search(text):
        return "en" if re.search(r"\b(call|wanted|sought|request)\b", text, pr._F) else "fr"
    if pr._ASK_FR.search(text) and pr._FRAME_FR.search(text):
        return "fr"
    if pr._ASK_EN.search(text) and pr._FRAME_EN.search(text):
        return "en"
    return None


def test_press_request_lowercased_patterns_answer_as_ignorecase() -> None:
    texts = _texts()
    got = [pr.press_request(t) for t in texts]
    assert got == [_press_reference(t) for t in texts]
    assert got.count("fr") >= 2 and got.count("en") >= 2  # the corpus exercises both


def _initial_reference(word: str, text: str) -> bool:
    starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return bool(starts) and all(i == 0 or text[:i].rstrip()[-1:] in ".!?:;" for i in starts)


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("Recette", "Recette : tarte. Recette du jour"),
        ("Recette", "Recette : tarte, ma Recette"),
        ("Lyon", "Panne à Lyon. Lyon encore"),
        ("Lyon", "Lyonnais. Lyon"),
        ("Lyon", "aLyon Lyon_x Lyon"),
        ("aa", "aaa. aa aaaa aa"),
        ("Box", "Box"),
        ("Box", "pas de box"),
        ("É", "É. É! É2 _É"),
        ("Nexo", "x\nNexo! Nexo? Nexo"),
    ],
)
def test_initial_only_matches_the_regex_form(word: str, text: str) -> None:
    assert _initial_only(word, text) is _initial_reference(word, text)


def test_keyphrase_run_scoring_equals_the_general_form() -> None:
    texts = _texts()
    x = kf.FastKeyphraseExtractor()
    compared = 0
    for text in texts:
        run = [f for w in kf._TOKENS.findall(text) if (f := kf._word_info(w, "fr"))]
        if not run:
            continue
        for cut in range(1, len(run) + 1, 3):
            fast: dict[str, tuple[float, str]] = {}
            general: dict[str, tuple[float, str]] = {}
            # twice into the same table: repeated phrases take the repetition bonus
            for _ in range(2):
                x._score_run(run[:cut], fast)
                x._score_run_any(run[:cut], general)
            assert list(fast.items()) == list(general.items())  # same floats, same order
            compared += 1
    assert compared > 100


def test_categories_by_chunks_score_as_one_block() -> None:
    texts = [t for t in _texts() if t][:600]  # more than two chunks
    stage = CategoriesStage(Context(None, {"mode": "fast", "categories_method": "hashed"}))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    batch = [
        Mention(platform="x", native_id=str(i), text=t, created_at=at) for i, t in enumerate(texts)
    ]
    stage.process(batch)
    whole = stage.default.predict(HashedEmbedder().embed(texts))
    assert any(whole)
    for m, expected in zip(batch, whole, strict=True):
        got = [(c["name"], c["score"]) for c in m.categories if c["name"] != pr.CATEGORY]
        assert [n for n, _ in got] == [n for n, _ in expected]
        # float32 products of another block size may move the 4th decimal
        assert all(abs(a - b) <= 1.01e-4 for (_, a), (_, b) in zip(got, expected, strict=True))


def test_neardup_batch_band_keys_are_the_band_keys() -> None:
    from socialhub.enrichers.neardup import NearDupIndex

    index = NearDupIndex()
    texts = [t for t in _texts() if len(t) > 10][:300]
    sigs = index.signatures(texts)
    assert index.batch_band_keys(sigs) == [index.band_keys(s) for s in sigs]
    assert index.batch_band_keys([]) == []


def _clean_reference(text: str, max_chars: int = 5_000) -> str:
    from socialhub.enrichers import keyphrases_yake as ky

    text = ky._HANDLE.sub(" ", ky._URL.sub(" ", text[:max_chars]))
    text = ky._ESCAPED_BREAKS.sub("\n", text)
    text = ky._ELISION.sub("", text)
    text = ky._NEWLINES.sub(" . ", text)
    text = ky._HASHTAG.sub(r" ; \1 ; ", text)
    return " ".join(ky._NOT_KEPT.sub(" ", text).split())


def test_keyphrase_clean_skips_only_patterns_that_cannot_match() -> None:
    from socialhub.enrichers.keyphrases_yake import clean

    odd = [
        "RT @SAV_Mirabelle: panne\\nça ne marche pas #PanneLyon https://t.co/x",
        "HTTPS://WWW.EXEMPLE.FR/a l'appli d’Orange\r\n\r\nmerci",
        "j'ai écrit à @x@mastodon.social #été_2024 www.site.fr",
        "plain words only",
        "\\t\\r tab escapes and RTL not RT",
    ]
    for text in odd + _texts():
        assert clean(text) == _clean_reference(text)


def test_sentiment_normalisation_is_unchanged() -> None:
    from socialhub.enrichers.sentiment import normalize as nz

    def clean_ref(text: str) -> str:
        text = text[: nz.MAX_CHARS * 2].encode("utf-8", "replace").decode("utf-8")
        text = nz._HANDLE.sub("@user", nz._URL.sub("http", nz._printable(text)))
        return nz._SPACES.sub(" ", text).strip()[: nz.MAX_CHARS]

    def fold_ref(cleaned: str) -> str:
        text = nz.fold(cleaned).replace("\u2019", "'")
        text = nz._NOT.sub(" not", nz._EMOJI_NOISE.sub("", text))
        return nz._RUNS.sub(r"\1\1\1", nz._DIGITS.sub("0", text))

    odd = [
        "Voir https://exemple.fr/x @Bob\x00 !",
        "I don't like it\u2009\u00a0\u3000 at all\u2028\u0085 \x1c\x1d\x1e\x1f end",
        "  WWW.SITE.COM  tabs\t\tand\nlines  👍🏽👍\ufe0f  ",
        "Toujours PAS de réseau depuis 3 jours!!!!!! 😡😡 isn’t it",
        "x" * 4100 + " tail",
    ]
    for text in odd + _texts():
        assert nz.clean(text) == clean_ref(text)
        assert nz.fold_for_hashing(nz.clean(text)) == fold_ref(clean_ref(text))


def test_neardup_bucket_table_is_an_lru_by_write() -> None:
    """The numpy band table (issue 21, flat memory) against an ``OrderedDict`` LRU by
    write: after every write, reads through the overlay and after a flush, with
    rewrites inside and across writes, evictions of committed and overlay keys."""
    import pickle
    import random
    from collections import OrderedDict

    from socialhub.enrichers.neardup import NearDupIndex

    for cap_clusters, space, flush_every in ((10, 120, 7), (10, 60, 1), (3, 400, 50)):
        index = NearDupIndex(bands=4, num_perm=8, max_clusters=cap_clusters)
        cap = cap_clusters * 4
        reference: OrderedDict[int, str] = OrderedDict()
        rnd = random.Random(7)
        high = 2**64 - space  # keys near the top of uint64 as real band keys are
        for step in range(3_000):
            keys = [high + rnd.randrange(space) for _ in range(4)]  # many rewrites
            cid = f"c:{step}"
            index._write_buckets(keys, cid)
            for key in keys:
                reference[key] = cid
                reference.move_to_end(key)
            while len(reference) > cap:
                reference.popitem(last=False)
            assert len(index.buckets) == len(reference)
            probe = [high + k for k in range(space)]
            if step % 3 == 0:
                index.buckets.prefetch(probe)
            assert [index.buckets.get(k) for k in probe] == [reference.get(k) for k in probe]
            if step % flush_every == 0:
                index.buckets.flush()
                assert index.buckets.as_dict() == dict(reference)
                assert list(index.buckets.as_dict()) == list(reference)  # same LRU order
        revived = pickle.loads(pickle.dumps(index))
        assert list(revived.buckets.as_dict().items()) == list(reference.items())
    # states pickled with the OrderedDict table or the dict + deque of writes read back
    for form in ("ordered", "deque"):
        old = NearDupIndex(bands=4, num_perm=8, max_clusters=10)
        state = {k: v for k, v in old.__dict__.items() if k != "buckets"}
        if form == "ordered":
            state["buckets"] = OrderedDict(reference)
        else:  # every key written once before, then the live order: stale counts 1
            order = [*reference, *reference]
            state["buckets"] = dict(reference)
            state["_bucket_order"] = __import__("collections").deque(order)
            state["_bucket_stale"] = dict.fromkeys(reference, 1)
        revived = NearDupIndex.__new__(NearDupIndex)
        revived.__setstate__(pickle.loads(pickle.dumps(state)))
        assert list(revived.buckets.as_dict().items()) == list(reference.items())
