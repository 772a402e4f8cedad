from __future__ import annotations

from datetime import timedelta

from socialhub.alerts.manager import AlertManager
from socialhub.alerts.triggers import WatchlistTrigger
from socialhub.models import Mention, Watchlist, WatchlistMember
from socialhub.store.base import Store

from .helpers import T0, author

LISTS = [
    Watchlist(
        1, "Journalistes", "journalist", members=[WatchlistMember("x", "presse1")], notify="email"
    ),
    Watchlist(
        1, "Dirigeants", "executive", members=[WatchlistMember("x", "notre_pdg")], notify="email"
    ),
    Watchlist(
        1,
        "Concurrent Rivalis",
        "competitor",
        members=[
            WatchlistMember("x", "rivalis_ceo", list_type="executive"),
            WatchlistMember("x", "rivalis", list_type="other"),
        ],
        notify="email",
    ),
]


def _m(
    handle: str, followers: int, *, lists: list[str], queries: list[int], **kw: object
) -> Mention:
    return Mention(
        "x",
        f"{handle}-{len(queries)}",
        "texte",
        T0,
        author=author(handle, followers),
        watchlists=lists,
        query_ids=queries,
        **kw,  # type: ignore[arg-type]
    )


def test_journalist_posting_about_a_query() -> None:
    trig = WatchlistTrigger(LISTS, workspace_id=1)
    [sig] = trig.update(_m("presse1", 800, lists=["Journalistes"], queries=[7]))
    assert (sig.detector, sig.key, sig.severity, sig.query_id) == (
        "watchlist",
        "author:x:id-presse1",
        5,
        7,
    )
    assert sig.extra["lists"] == ["Journalistes"] and sig.evidence == ["x:presse1-1"]
    assert sig.extra["query_ids"] == [7]
    assert sig.title == "@presse1 (Journalistes) posted about query 7"  # no name known
    assert trig.update(_m("presse1", 800, lists=["Journalistes"], queries=[])) == []
    named = WatchlistTrigger(LISTS, workspace_id=1, query_names={7: "Mirabelle"})
    [sig] = named.update(_m("presse1", 800, lists=["Journalistes"], queries=[7]))
    assert sig.title == "@presse1 (Journalistes) posted about Mirabelle"


def test_one_post_about_several_queries_is_one_signal_of_this_workspace() -> None:
    """A journalist's post matching four of our queries (and one of another
    workspace's) is one alert naming them, not five alerts and five emails."""
    names = {7: "Mirabelle", 8: "Réseau", 9: "Prix", 10: "Fibre"}
    trig = WatchlistTrigger(LISTS, workspace_id=1, query_names=names,
                            own_queries=frozenset(names))  # fmt: skip
    [sig] = trig.update(_m("presse1", 800, lists=["Journalistes"], queries=[7, 8, 42, 9, 10]))
    assert sig.key == "author:x:id-presse1" and sig.query_id == 7
    assert sig.extra["query_ids"] == [7, 8, 9, 10]
    assert sig.title == "@presse1 (Journalistes) posted about Mirabelle, Réseau, Prix (+1 more)"
    # only another workspace's query: nothing for this one
    assert trig.update(_m("presse1", 800, lists=["Journalistes"], queries=[42])) == []


def test_our_own_executives_are_a_note_not_a_crisis() -> None:
    """A list typed executive holds the workspace's own executives: their posts are
    severity 3 (in-app), a competitor's executive stays 7."""
    trig = WatchlistTrigger(LISTS, workspace_id=1)
    [own] = trig.update(_m("notre_pdg", 5_000, lists=["Dirigeants"], queries=[7]))
    assert (own.key, own.severity) == ("author:x:id-notre_pdg", 3)
    [rival] = trig.update(_m("rivalis_ceo", 5_000, lists=["Concurrent Rivalis"], queries=[]))
    assert rival.severity == 7


def test_high_reach_author_and_quiet_small_one() -> None:
    trig = WatchlistTrigger(LISTS, high_reach=50_000, high_reach_notify="email")
    [sig] = trig.update(_m("star", 60_000, lists=[], queries=[3]))
    assert sig.extra["reason"] == "high_reach" and sig.threshold == 50_000
    assert trig.update(_m("nobody", 400, lists=[], queries=[3])) == []
    assert trig.update(_m("star", 60_000, lists=[], queries=[3], kind="repost")) == []


def test_our_official_accounts_are_never_a_high_reach_author() -> None:
    from socialhub.alerts.official import official_handles

    settings = {
        "official_accounts": ["MirabelleSAV"],
        "entities": [{"name": "Mirabelle", "type": "brand", "aliases": ["@MirabelleTel"]}],
    }
    own = official_handles(settings)
    assert own == {"mirabellesav", "mirabelletel"}
    trig = WatchlistTrigger(LISTS, high_reach=50_000, own_accounts=own, high_reach_notify="inapp")
    assert trig.update(_m("MirabelleTel", 900_000, lists=[], queries=[3])) == []
    assert trig.update(_m("mirabellesav", 200_000, lists=[], queries=[3])) == []
    [other] = trig.update(_m("star", 60_000, lists=[], queries=[3]))  # others still count
    assert other.extra["reason"] == "high_reach"


def test_competitor_executive_posting_about_anything() -> None:
    trig = WatchlistTrigger(LISTS)
    [sig] = trig.update(_m("Rivalis_CEO", 2_000, lists=["Concurrent Rivalis"], queries=[]))
    assert (sig.key, sig.severity) == ("exec:x:id-Rivalis_CEO", 7)
    assert trig.update(_m("rivalis", 90_000, lists=["Concurrent Rivalis"], queries=[])) == []


def test_a_journalist_thread_is_one_alert(sqlite_store: Store) -> None:
    trig = WatchlistTrigger(LISTS)
    manager = AlertManager(sqlite_store)
    actions = []
    for i in range(5):
        m = _m("presse1", 800, lists=["Journalistes"], queries=[7])
        m.native_id = f"thread{i}"
        m.created_at = T0 + timedelta(minutes=i)
        actions += [manager.process(s).action for s in trig.update(m)]
    assert actions == ["opened"] + ["merged"] * 4
    [alert] = sqlite_store.alerts.list_alerts()
    assert alert.evidence == [f"x:thread{i}" for i in range(5)]


def test_listed_voice_opens_no_alert_by_default_and_lists_choose() -> None:
    """Issue 14: ``digest`` (default) and ``never`` open nothing; ``inapp``/``email`` open
    an alert from the list's severity floor and say how to tell it."""
    members = [WatchlistMember("x", "presse1")]
    post = _m("presse1", 800, lists=["Journalistes"], queries=[7])
    for notify in ("digest", "never"):
        lists = [Watchlist(1, "Journalistes", "journalist", members=members, notify=notify)]
        assert WatchlistTrigger(lists, workspace_id=1).update(post) == []
    inapp = [Watchlist(1, "Journalistes", "journalist", members=members, notify="inapp")]
    [sig] = WatchlistTrigger(inapp, workspace_id=1).update(post)
    assert sig.extra["notify"] == "inapp" and sig.severity == 5
    floor = [
        Watchlist(1, "Journalistes", "journalist", members=members, notify="email", min_severity=6)
    ]
    assert WatchlistTrigger(floor, workspace_id=1).update(post) == []
    default_exec = [
        Watchlist(
            1,
            "Concurrent",
            "competitor",
            members=[WatchlistMember("x", "rivalis_ceo", list_type="executive")],
        )
    ]
    ceo = _m("rivalis_ceo", 10, lists=[], queries=[])
    assert WatchlistTrigger(default_exec, workspace_id=1).update(ceo) == []


def test_a_listed_high_reach_account_follows_its_list() -> None:
    """A competitor's account with many followers is listed: no "high-reach" alert."""
    lists = [Watchlist(1, "Concurrents", "competitor", members=[WatchlistMember("x", "azurel")])]
    post = _m("azurel", 143_000, lists=["Concurrents"], queries=[7])
    assert WatchlistTrigger(lists, workspace_id=1).update(post) == []
    unlisted = _m("star", 143_000, lists=[], queries=[7])
    assert WatchlistTrigger(lists, workspace_id=1).update(unlisted) == []  # digest by default
    told = WatchlistTrigger(lists, workspace_id=1, high_reach_notify="inapp")
    [sig] = told.update(unlisted)
    assert sig.extra["reason"] == "high_reach" and sig.extra["notify"] == "inapp"
