"""What a press officer reads in the digest, French and English: counts agree with their
number ("1 publication", never "1 publications"; no "eng."), a competitor's bad news is
not ours, the net sentiment is that of the relevant posts about the brand (or says why
there is none), alerts come with their importance reasons as the alerts pages show them,
and the built-in playbook steps read in the report's language."""

from __future__ import annotations

import doctest
import re

import pytest

from socialhub.alerts.incident_settings import IncidentSettings
from socialhub.analytics.stories.importance import explain, score
from socialhub.i18n import use_locale
from socialhub.models import BRAND_VOICE, Author
from socialhub.records.alerts import Alert
from socialhub.records.engage import OfficialAccount
from socialhub.records.incidents import Incident
from socialhub.records.stories import StoryRecord
from socialhub.reports import reasons, tone
from socialhub.reports.briefing import essentials, for_the_brand
from socialhub.reports.build import build
from socialhub.reports.data import figures, scope_of
from socialhub.reports.tone import Subjects, story_tone
from socialhub.store.base import Store
from socialhub.web import story_text

from .helpers import PERIOD, World, hours, mention, setup_workspace

START, END = PERIOD


@pytest.mark.parametrize("module", [reasons, tone])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def _text(html: str) -> str:
    """The visible text of a rendered report, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def _count(phrase: str) -> re.Pattern[str]:
    """``phrase`` ("1 post") as a whole count: not the tail of "11 posts", "2 001 posts"."""
    return re.compile(rf"(?<![\d\u202f\u00a0,.])\b{re.escape(phrase)}\b")


def _one_post_world(store: Store) -> World:
    w = setup_workspace(store)
    assert w.brand.id and w.press.id
    store.mentions.add(
        [
            # one post by a listed journalist, one like, one follower
            mention("j1", "Fictel ferme trois boutiques à Lyon", START + hours(1), "croussel",
                    [w.brand.id, w.press.id], likes=1, followers=1),
            mention("b1", "Fictel, le réseau est top ce matin", START + hours(2), "fan",
                    [w.brand.id], likes=2, followers=2, sentiment="positive"),
        ]
    )  # fmt: skip
    return w


@pytest.mark.parametrize(
    ("lang", "one", "wrong"),
    [
        ("fr", ["1 publication", "1 abonné", "1 interaction"],
         ["1 publications", "1 abonnés", "1 interactions"]),
        ("en", ["1 post", "1 follower", "1 interaction"],
         ["1 posts", "1 followers", "1 interactions"]),
    ],
)  # fmt: skip
def test_counts_agree_with_their_number_and_nothing_is_abbreviated(
    sqlite_store: Store, lang: str, one: list[str], wrong: list[str]
) -> None:
    w = _one_post_world(sqlite_store)
    built = build(sqlite_store, w.ws, "digest", START, END, {"lang": lang}, pdf=False)
    for html in (built.html, built.print_html):
        text = _text(html)
        for phrase in one:
            assert _count(phrase).search(text), (phrase, text)
        for phrase in wrong:
            assert not _count(phrase).search(text), phrase
        assert "eng." not in text and "eng./" not in text
    # the competitor report's table header is a word, on two lines, not "eng./post"
    comp = build(sqlite_store, w.ws, "competitors", START, END, {"lang": lang}, pdf=False)
    assert "eng." not in _text(comp.html)
    assert ("par publication" if lang == "fr" else "per post") in _text(comp.html)


def _story(ws: int, key: str, headline: str, query_ids: list[int], **kw: object) -> StoryRecord:
    parts = explain(voices={"journalist": 2}, authors=12, reach=90_000, peak=12, baseline=1.0,
                    negative=10, rated=12, crisis_share=0.0, rise_hours=1.0)  # fmt: skip
    return StoryRecord(
        ws, key, headline, f"x:{key}", START + hours(1), START + hours(3), START + hours(2),
        size=12, authors=12, reach=90_000, query_ids=query_ids,
        sentiment={"negative": 10, "neutral": 2}, importance=score(parts), explanation=parts,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_competitors_bad_news_is_not_bad_news_for_us(sqlite_store: Store) -> None:
    store = sqlite_store
    w = setup_workspace(store)
    ws, brand, rival = w.ws.id, w.brand.id, w.azurel.id
    assert ws and brand and rival
    queries = store.workspaces.list_queries(ws)
    scope = scope_of(queries, store.workspaces.list_watchlists(ws), {})
    subjects = Subjects(queries, scope)
    assert subjects.of("Azurel condamné à rembourser ses clients") == (False, ["Azurel"])
    assert subjects.of("Fictel et Azurel augmentent leurs prix") == (True, ["Azurel"])
    # the headline names the competitor only: its trouble, even shared with our name
    theirs = [mention(f"a{i}", f"Azurel condamné, et Fictel ? {i}", START + hours(1),
                      f"u{i}", [brand, rival], sentiment="negative") for i in range(6)]  # fmt: skip
    assert story_tone("Azurel condamné à rembourser des frais", theirs, {"negative": 6}, {},
                      subjects, routed_to_brand=True) == tone.Tone("neutral", "Azurel")  # fmt: skip
    # a headline naming nobody: the posts decide (most name only the competitor)
    only_rival = [mention(f"r{i}", f"Azurel condamné {i}", START, f"v{i}", [rival])
                  for i in range(5)]  # fmt: skip
    assert story_tone("Une amende record", only_rival, {}, {}, subjects,
                      routed_to_brand=True).competitor == "Azurel"  # fmt: skip
    # our own bad news stays ours, in neutral words
    ours = [mention(f"o{i}", f"Fictel ferme des boutiques {i}", START, f"w{i}", [brand])
            for i in range(4)]  # fmt: skip
    assert story_tone("Fictel s'apprête à fermer une boutique sur cinq", ours, {"neutral": 4},
                      {}, subjects, routed_to_brand=True) == tone.Tone("negative")  # fmt: skip

    # in "L'essentiel": told as the competitor's, ranked on its importance without the
    # sentiment's negativity (bad news about a rival is no harm to the brand)
    store.mentions.add(theirs + ours)
    stories = [
        _story(ws, f"{ws}:x:a0", "Azurel condamné à rembourser des frais à ses clients",
               [brand, rival]),
        _story(ws, f"{ws}:x:o0", "Fictel s'apprête à fermer une boutique sur cinq", [brand]),
    ]  # fmt: skip
    store.stories.save(
        stories,
        [(ws, stories[0].key, m.id) for m in theirs] + [(ws, stories[1].key, m.id) for m in ours],
    )
    with use_locale("fr"):
        items = essentials(store, w.ws, START, END, scope)
    assert [i["headline"][:6] for i in items] == ["Fictel", "Azurel"]
    fictel, azurel = items
    assert (fictel["tone"], fictel["competitor"]) == ("negative", "")
    assert (azurel["tone"], azurel["competitor"]) == ("neutral", "Azurel")
    negativity = sum(p["points"] for p in stories[0].explanation
                     if p["component"] == "negativity")  # fmt: skip
    assert negativity > 0
    assert azurel["importance"] == round(stories[0].importance - negativity, 1)
    assert azurel["importance"] == round(for_the_brand(stories[0], "neutral"), 1)
    cases = [("fr", "mauvaise nouvelle pour la marque", "concurrent : Azurel"),
             ("en", "bad news for the brand", "competitor: Azurel")]  # fmt: skip
    for lang, bad, rival_says in cases:
        html = build(store, w.ws, "digest", START, END, {"lang": lang}, pdf=False).html
        block = _text(html.split('data-story="' + stories[0].key + '"')[1].split("data-story")[0])
        assert rival_says in block and bad not in block, block


def test_net_sentiment_is_that_of_the_relevant_posts_about_the_brand(sqlite_store: Store) -> None:
    store = sqlite_store
    w = setup_workspace(store)
    ws, brand, rival = w.ws.id, w.brand.id, w.azurel.id
    assert ws and brand and rival
    scope = scope_of(store.workspaces.list_queries(ws), store.workspaces.list_watchlists(ws), {})
    labels = ["positive", "positive", "positive", "negative", "neutral"]
    posts = [mention(f"p{i}", f"Fictel {i}", START + hours(1), f"c{i}", [brand], sentiment=s)
             for i, s in enumerate(labels)]  # fmt: skip
    own = mention("own", "Panne en cours", START, "fictelsav", [brand], sentiment="negative")
    voice = mention("tpl", "Écrivez-nous en MP", START, "bot", [brand], sentiment="negative")
    voice.categories = [{"name": BRAND_VOICE, "reason": "template"}]
    rival_post = mention("az", "Azurel nul", START, "d", [rival], sentiment="negative")
    off_topic = mention("ot", "tarte fictel", START, "e", [brand], sentiment="negative")
    off_topic.relevance = {str(brand): 0.1}
    everything = [*posts, own, voice, rival_post, off_topic]
    f = figures(everything, scope, about=scope.brand, own=frozenset({"fictelsav"}))
    assert (f.positive, f.neutral, f.negative) == (3, 1, 1)
    assert f.net_sentiment == 40.0 and f.sentiment_gap is None
    # no label at all, no post at all: "–" with the reason, not a bare dash
    unrated = [mention(f"u{i}", "Fictel", START, f"u{i}", [brand], sentiment=None)
               for i in range(3)]  # fmt: skip
    assert figures(unrated, scope, about=scope.brand).sentiment_gap == "not_rated"
    assert figures([rival_post], scope, about=scope.brand).sentiment_gap == "no_posts"

    store.engage.upsert_account(OfficialAccount("x", "fictelsav", "Fictel SAV"), START)
    store.mentions.add(everything)
    data = build(store, w.ws, "digest", START, END, {"lang": "fr"}, pdf=False)
    assert data.data["figures"]["current"]["sentiment"]["net"] == 40.0
    text = _text(data.html)
    assert "+40 pts" in text.replace("\u202f", " ")
    assert "sur 5 publications évaluées sur la marque" in text
    # a later period with only unrated posts about the brand
    later = (START + hours(24), END + hours(24))
    store.mentions.add(
        [mention(f"l{i}", "Fictel", later[0] + hours(1), f"l{i}", [brand], sentiment=None)
         for i in range(2)]
    )  # fmt: skip
    for lang, reason in (("fr", "aucune publication sur la marque n'a de tonalité évaluée"),
                         ("en", "no post about the brand was rated for sentiment")):  # fmt: skip
        html = build(store, w.ws, "digest", *later, {"lang": lang}, pdf=False).html
        assert reason in _text(html)


def _alert_with_reasons(ws: int) -> Alert:
    parts = explain(voices={"journalist": 1}, authors=1, reach=38_000, peak=1, baseline=0.0,
                    negative=1, rated=1, crisis_share=0.0, rise_hours=100.0)  # fmt: skip
    return Alert(
        rule=f"{ws}|volume|query:1", detector="volume", version="1", key="query:1",
        title="Burst", severity=8, first_t=START + hours(1), last_t=START + hours(2),
        observed=40, baseline=8, threshold=20, score=5, workspace_id=ws,
        importance=score(parts), extra={"explanation": parts},
    )  # fmt: skip


def test_the_alert_list_gives_each_alerts_reasons_as_the_alerts_pages_do(
    sqlite_store: Store,
) -> None:
    assert story_text.localise_parts is reasons.localise_parts  # one implementation
    w = setup_workspace(sqlite_store)
    assert w.ws.id
    alert = sqlite_store.alerts.save_alert(_alert_with_reasons(w.ws.id))
    for lang, expected in (("fr", "1 voix suivie, 1 auteur"), ("en", "1 listed voice, 1 author")):
        built = build(sqlite_store, w.ws, "digest", START, END, {"lang": lang}, pdf=False)
        text = _text(built.html)
        with use_locale(lang):
            shown = reasons.top_reasons(alert.extra["explanation"], 3)
            api = [p["why"] for p in story_text.localise_parts(alert.extra["explanation"])]
        assert expected in shown and set(shown) <= set(api)
        for why in shown:
            assert " ".join(why.split()) in text, (why, text)
        assert "listed voices" not in text if lang == "fr" else "1 listed voices" not in text


@pytest.mark.parametrize(
    ("lang", "step", "english"),
    [("fr", "Prévenir l'équipe qualité de service", "Tell the QoS team"),
     ("en", "Tell the QoS team", None)],
)  # fmt: skip
def test_the_built_in_playbook_reads_in_the_reports_language(
    sqlite_store: Store, lang: str, step: str, english: str | None
) -> None:
    w = setup_workspace(sqlite_store)
    assert w.ws.id
    name, steps = IncidentSettings().playbook_for(["network_outage"])
    steps[0].done, steps[0].done_by, steps[0].done_at = True, "léa", START + hours(2)
    inc = sqlite_store.incidents.save_incident(
        Incident(w.ws.id, "Panne", 8, START + hours(1), playbook=name, steps=steps)
    )
    assert inc.id is not None
    built = build(sqlite_store, w.ws, "crisis", None, START + hours(4), {"lang": lang},
                  incident_id=inc.id, pdf=False)  # fmt: skip
    text = _text(built.html)
    assert step in text and "léa" in text
    assert ("Étapes faites : 1 sur 3" if lang == "fr" else "Steps done: 1 of 3") in text
    if english:
        assert english not in text
    # the workspace's language when the schedule names none
    w.ws.locale = lang
    again = build(sqlite_store, w.ws, "crisis", None, START + hours(4), incident_id=inc.id,
                  pdf=False)  # fmt: skip
    assert step in _text(again.html)


def test_an_official_accounts_author_object_is_recognised() -> None:
    # guard for the figures' own-voice test: handles compare normalised ("@FictelSAV")
    m = mention("x", "Fictel", START, "FictelSAV", [1])
    m.author = Author("x", "u", "@FictelSAV", "Fictel SAV")
    scope = scope_of([], [], {})
    assert figures([m], scope, about=None, own=frozenset({"fictelsav"})).opinions == 0


def test_a_story_is_bad_news_when_markedly_gloomier_than_usual(sqlite_store: Store) -> None:
    w = setup_workspace(sqlite_store)
    assert w.ws.id and w.brand.id
    queries = sqlite_store.workspaces.list_queries(w.ws.id)
    subjects = Subjects(queries, scope_of(queries, [], {}))
    posts = [mention(f"n{i}", f"Fictel et la 5G {i}", START, f"n{i}", [w.brand.id])
             for i in range(10)]  # fmt: skip
    mix = {"negative": 62, "neutral": 38}
    # read alone, 62 % negative posts make bad news…
    assert story_tone("La 5G de Fictel", posts, mix, {}, subjects, routed_to_brand=True).tone == (
        "negative"
    )
    # …but not when 45 % of what is said of the brand is negative anyway
    usual = {"negative": 45, "neutral": 55}
    calm = story_tone("La 5G de Fictel", posts, mix, {}, subjects, routed_to_brand=True,
                      usual=usual)  # fmt: skip
    assert calm.tone == "neutral"
    storm = story_tone("La 5G de Fictel", posts, {"negative": 95, "neutral": 5}, {}, subjects,
                       routed_to_brand=True, usual=usual)  # fmt: skip
    assert storm.tone == "negative"
