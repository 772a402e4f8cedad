"""The digest's length budget: every edition type (morning, afternoon, daily, weekly)
over the busiest period of the demo stream at the demo's rate fits in 4 PDF pages
(counted by pdfinfo on the real PDF), and the lists are cut from their least important
end, with "and N more" lines."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from socialhub.reports.briefing import press_opportunities
from socialhub.reports.build import build
from socialhub.reports.data import scope_of
from socialhub.reports.fit import LEVELS, PAGE_BUDGET, fit_pdf
from socialhub.reports.render import render_html
from socialhub.store.base import Store

from .helpers import PERIOD, hours, mention, setup_workspace
from .test_briefing_simulator import _build_world

START, END = PERIOD


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    line = next(x for x in info.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[-1])


def test_the_fullest_level_that_fits_is_kept() -> None:
    data: dict[str, Any] = {}
    seen: list[int] = []

    def layout(html: str) -> tuple[bytes, int]:
        seen.append(data["fit"]["level"])
        return b"%PDF", 7 - 2 * data["fit"]["level"]  # 7, 5, 3 pages…

    html, _pdf, pages = fit_pdf(data, lambda d: f"level {d['fit']['level']}", layout)
    assert (html, pages, seen) == ("level 2", 3, [0, 1, 2])
    assert data["fit"]["press"] == LEVELS[2]["press"]


def test_lists_are_cut_by_importance_with_and_n_more(sqlite_store: Store) -> None:
    store = sqlite_store
    w = setup_workspace(store)
    assert w.ws.id and w.brand.id and w.press.id
    ids = [w.brand.id, w.press.id]
    posts = [
        mention(f"r{i}", f"Je cherche des abonnés fibre à Lyon {i} pour un reportage, DM ouverts",
                START + hours(i), "croussel" if i % 2 else "jaubertin", ids)
        for i in range(8)
    ]  # fmt: skip
    scope = scope_of(
        store.workspaces.list_queries(w.ws.id), store.workspaces.list_watchlists(w.ws.id), {}
    )
    # requests ranked by their story's importance, whatever their time
    importance = {p.id: float((i * 3) % 8) for i, p in enumerate(posts)}
    found = press_opportunities(posts, scope, {}, importance)
    assert [r["importance"] for r in found] == sorted(importance.values(), reverse=True)
    assert [r["id"] for r in found[:2]] == ["x:r5", "x:r2"] and found[-1]["id"] == "x:r0"
    data = build(store, w.ws, "digest", START, END, {"lang": "fr"}, pdf=False).data
    data["press_opportunities"] = found
    data["fit"] = {**LEVELS[-1], "level": len(LEVELS) - 1}
    html = render_html(data, pdf=True)
    section = html.split('data-section="press"')[1].split("</td>")[0]
    shown = LEVELS[-1]["press"]
    assert section.count("Transmis à") == shown
    assert f"et {len(found) - shown} autres demandes de journalistes" in section
    # the two most important shown; neither the newest (r7) nor the oldest (r0)
    assert "Lyon 5" in section and "Lyon 2" in section
    assert "Lyon 7" not in section and "Lyon 0" not in section
    data["lang"] = "en"
    assert f"and {len(found) - shown} more press requests" in render_html(data, pdf=True)


@pytest.fixture(scope="module")
def demo_rate_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every scripted episode (44 simulated hours) at the demo's 20 mentions a minute."""
    built = _build_world(tmp_path_factory.mktemp("budget") / "hub.db", 20, 44)
    yield built
    built["store"].close()


Period = tuple[datetime, datetime]


def _busiest(store: Store, ws_id: int, periods: list[Period]) -> Period:
    """The period with the most mentions."""

    def volume(p: Period) -> int:
        return store.mentions.count(None, workspace_id=ws_id, since=p[0], until=p[1])

    return max(periods, key=volume)


def _editions(kind: str) -> list[Period]:
    """The Paris editions of a type over the simulated days (winter time: UTC+1)."""
    days = [datetime(2026, 3, d, tzinfo=UTC) for d in (2, 3, 4)]
    if kind == "morning":  # 17:00 the day before → 08:00
        return [(d - timedelta(hours=8), d + timedelta(hours=7)) for d in days]
    if kind == "afternoon":  # 08:00 → 17:00
        return [(d + timedelta(hours=7), d + timedelta(hours=16)) for d in days]
    if kind == "daily":  # 08:00 → 08:00
        return [(d + timedelta(hours=7), d + timedelta(hours=31)) for d in days]
    return [(d + timedelta(hours=7) - timedelta(days=7), d + timedelta(hours=7)) for d in days]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["morning", "afternoon", "daily", "weekly"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_edition_type_fits_in_four_pages_at_the_demos_rate(
    demo_rate_world: dict[str, Any], kind: str, lang: str
) -> None:
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo missing: apt-get install -y poppler-utils", pytrace=False)
    store = demo_rate_world["store"]
    ws = store.workspaces.get_workspace("mirabelle-com")
    assert ws is not None and ws.id is not None
    start, end = _busiest(store, ws.id, _editions(kind))
    assert store.mentions.count(None, workspace_id=ws.id, since=start, until=end) > 5_000
    built = build(store, ws, "digest", start, end, {"lang": lang})
    assert built.pdf is not None
    assert _pages(built.pdf) <= PAGE_BUDGET, (kind, built.data.get("fit"))
    assert built.data["essentials"] and built.data["journalists"]
    # the net sentiment is computed (the demo's posts are rated)
    assert built.data["figures"]["current"]["sentiment"]["net"] is not None
