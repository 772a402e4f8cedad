"""Screenshots of the dashboard and the wall over the demo data, in the workspace's
language (French by default: docs/images/dashboard-fr.png, docs/screenshots/wall.png).

Builds a throw-away SQLite hub from the demo simulator (fictional operator and
competitors), routes the mentions with the streaming matcher, serves the web app on
loopback and drives Debian's Chromium with Playwright (never a downloaded browser)::

    .venv/bin/python scripts/screenshots.py [--hours 36] [--out docs/screenshots]
        [--dashboard docs/images/dashboard-fr.png] [--locale fr]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from socialhub.config.passwords import hash_password
from socialhub.demo.simulator import Simulator
from socialhub.demo.world import BRAND, COMPETITORS
from socialhub.models import Query, User, Workspace, utcnow
from socialhub.query.matcher import Matcher
from socialhub.records.alerts import Alert
from socialhub.records.sessions import WallToken
from socialhub.store.sqlite import SqliteStore
from socialhub.web.app import create_app
from socialhub.web.security import digest
from socialhub.web.wall import new_wall_key

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "screenshots-only-123"


def build(store: SqliteStore, hours: float, locale: str = "fr") -> tuple[Workspace, str]:
    ws = store.workspaces.upsert_workspace(
        Workspace("mirabelle-com", "Mirabelle — communication", locale=locale)
    )
    assert ws.id is not None
    queries = [store.workspaces.upsert_query(Query(ws.id, BRAND.short, BRAND.short.lower()))]
    for c in COMPETITORS[:3]:
        queries.append(store.workspaces.upsert_query(Query(ws.id, c.short, c.short.lower())))
    store.workspaces.set_workspace_setting(
        ws.id,
        "share_of_voice",
        {"brand": [queries[0].name], "competitors": [q.name for q in queries[1:]]},
    )
    matcher = Matcher.from_text((q.id or 0, ws.id, q.definition) for q in queries)
    now = utcnow()
    sim = Simulator(seed=7, start=now - timedelta(hours=hours), rate_per_minute=4)
    batch = []
    for m in sim.until(now):
        m.query_ids = matcher.match(m)
        if m.query_ids:
            batch.append(m)
    store.mentions.add(batch)
    admin = store.accounts.upsert_user(User("admin", "Admin", "", hash_password(PASSWORD)))
    store.accounts.set_site_admin(admin.id or 0, True)
    # detectors store English sentences; the page shows them in the workspace's language
    store.alerts.save_alert(
        Alert(
            "complaints:demo",
            "complaints",
            "1",
            "complaint:network_outage:*",
            "network_outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)",
            7,
            now - timedelta(minutes=40),
            now,
            70.0,
            16.7,
            40.0,
            5.1,
            workspace_id=ws.id,
        )
    )
    store.alerts.save_alert(
        Alert(
            "volume:demo",
            "volume",
            "1",
            f"query:{queries[0].id}",
            f"{queries[0].name}: 120 mentions in 15 min, 6.3× the usual 19.0 (still rising)",
            5,
            now - timedelta(minutes=30),
            now,
            120.0,
            19.0,
            60.0,
            5.0,
            workspace_id=ws.id,
            query_id=queries[0].id,
        )
    )
    key = new_wall_key()
    store.walls.add_wall_token(WallToken(ws.id, "main", "screenshots", key[:12], now), digest(key))
    return ws, key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=36)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--dashboard", type=Path, default=Path("docs/images/dashboard-fr.png"))
    parser.add_argument("--locale", choices=("fr", "en"), default="fr")
    args = parser.parse_args()
    args.dashboard.parent.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"sqlite:///{Path(tmp) / 'demo.db'}")
        store.migrate()
        ws, key = build(store, args.hours, args.locale)
        app = create_app(store)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(f"{base}/login?next=/w/{ws.slug}")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-loaded=yes]")
            page.wait_for_timeout(1500)  # the period is chosen from the data (hourly)
            page.screenshot(path=str(args.dashboard))
            wall = browser.new_page(viewport={"width": 1920, "height": 1080})
            wall.goto(f"{base}/wall/{ws.slug}/main?key={key}")
            wall.wait_for_selector("body[data-loaded=yes]")
            wall.wait_for_timeout(1000)
            wall.screenshot(path=str(args.out / "wall.png"))
            browser.close()
        server.should_exit = True
        store.close()
    for path in (args.dashboard, args.out / "wall.png"):
        print(path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
