"""examples/telecom.toml and its CSV files: structure, and agreement with the demo world."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from typing import Any

from socialhub.demo import Simulator
from socialhub.demo.world import (
    INFLUENCERS,
    JOURNALISTS,
    MPS,
    OFFICIAL,
    PARTNERS,
    news_handle,
    watchlist_people,
)
from socialhub.models import LIST_TYPES, Mention, Role

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOML = EXAMPLES / "telecom.toml"
COLUMNS = ["handle", "platform", "name", "list_type", "notes"]


def _config() -> dict[str, Any]:
    with TOML.open("rb") as f:
        return tomllib.load(f)


def _csv(name: str) -> list[dict[str, str]]:
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_toml_structure() -> None:
    cfg = _config()
    users = {u["username"]: u for u in cfg["user"]}
    assert len(users) >= 5
    assert all(u["name"] and "@" in u["email"] for u in users.values())
    assert all("password" not in u for u in users.values())  # only password_env
    slugs = [ws["slug"] for ws in cfg["workspace"]]
    assert slugs == ["mirabelle-com", "mirabelle-qos"]
    names: list[str] = []
    for ws in cfg["workspace"]:
        assert ws["name"] and ws["timezone"] == "Europe/Paris"
        for member in ws["member"]:
            assert member["username"] in users
            assert member["role"] in {r.value for r in Role}
        assert len(ws["query"]) >= 5
        for q in ws["query"]:
            assert q["name"] and q["definition"] and q["description"]
            assert q["definition"].count("(") == q["definition"].count(")")
            assert q["definition"].count('"') % 2 == 0
            names.append(q["name"])
        for wl in ws["watchlist"]:
            assert wl["list_type"] in LIST_TYPES
            assert ("csv" in wl) != ("members" in wl)
            if "csv" in wl:
                rows = _csv(wl["csv"])
                assert rows and all(r["list_type"] == wl["list_type"] for r in rows)
            else:
                assert all(m["handle"] and m["platform"] and m["name"] for m in wl["members"])
    assert len(names) == len(set(names))  # query names are unique across the file
    com = cfg["workspace"][0]
    assert {w["name"] for w in com["watchlist"]} >= {
        "Journalistes",
        "Députés",
        "Concurrents",
        "Partenaires",
    }
    assert {m["role"] for m in com["member"]} == {r.value for r in Role}


def test_episode_queries_are_queries_of_the_example() -> None:
    names = {q["name"] for ws in _config()["workspace"] for q in ws["query"]}
    for ep in Simulator().episodes:
        assert ep.query in names, ep.query


def test_csv_files_match_the_world() -> None:
    journalists = {(r["platform"], r["handle"]): r["name"] for r in _csv("journalists.csv")}
    expected = {}
    for p in JOURNALISTS:
        expected[(p.platform, p.handle)] = p.name
        expected[("news", news_handle(p))] = p.name
    assert journalists == expected
    mps = {(r["platform"], r["handle"]): r["name"] for r in _csv("mps.csv")}
    assert mps == {(p.platform, p.handle): p.name for p in MPS}
    assert len(JOURNALISTS) >= 25 and len(MPS) >= 15


def test_inline_members_are_accounts_of_the_world() -> None:
    known = {(p.platform, p.handle) for p in watchlist_people()}
    known |= {(plat, h) for p in INFLUENCERS for plat, h in p.also}
    known |= {(p.platform, p.handle) for pair in OFFICIAL.values() for p in pair}
    known |= {("facebook", p.handle) for pair in OFFICIAL.values() for p in pair}
    for ws in _config()["workspace"]:
        for wl in ws["watchlist"]:
            for m in wl.get("members", []):
                assert (m["platform"], m["handle"]) in known, m
    assert {(p.platform, p.handle) for p in PARTNERS} <= known


def test_csv_handles_post_in_the_demo_stream(day_stream: list[Mention]) -> None:
    authors = {(m.platform, m.author_handle) for m in day_stream}
    for name in ("journalists.csv", "mps.csv"):
        for row in _csv(name):
            assert (row["platform"], row["handle"]) in authors, row


def test_inline_watchlists_post_in_the_demo_stream(day_stream: list[Mention]) -> None:
    authors = {(m.platform, m.author_handle) for m in day_stream}
    members = [
        (m["platform"], m["handle"])
        for ws in _config()["workspace"]
        for wl in ws["watchlist"]
        for m in wl.get("members", [])
    ]
    seen = [m for m in members if m in authors]
    assert len(seen) >= 0.8 * len(members), sorted(set(members) - set(seen))
