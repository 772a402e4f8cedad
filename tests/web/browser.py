"""Browser-test plumbing shared by the page suites: serve an app, watch a page, run axe.

One Chromium per test module (the ``chromium`` fixture in conftest.py) and a fresh
context per test keep the suite fast: launching Chromium costs about a second.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from socialhub.web.app import FRONTEND

from .helpers import password

AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def watch(page: Any, problems: list[str]) -> None:
    """Collect console errors, page errors, HTTP errors and dialogs into ``problems``."""
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{e} {e.stack}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.set_default_timeout(10_000)


def log_in(page: Any, base: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def axe_violations(
    page: Any, impacts: tuple[str, ...] = ("serious", "critical"), skip: tuple[str, ...] = ()
) -> list[str]:
    """axe-core's violations of the given impacts on the current page, one line each
    (``skip``: rule ids not run, for third-party markup the project does not write)."""
    if not AXE.is_file():
        raise AssertionError("axe-core is missing: npm ci --prefix src/socialhub/web/frontend")
    page.add_script_tag(content=Path(AXE).read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (skip) => {
          const rules = Object.fromEntries(skip.map((r) => [r, { enabled: false }]));
          const opts = { rules, resultTypes: ["violations"] };  // faster: details of failures only
          return JSON.stringify((await axe.run(document, opts)).violations);
        }""",
        list(skip),
    )
    out = []
    for v in json.loads(result):
        if v["impact"] in impacts:
            targets = [", ".join(map(str, n["target"])) for n in v["nodes"][:3]]
            out.append(f"{v['impact']} {v['id']}: {v['help']} ({'; '.join(targets)})")
    return out


def boxes_overlap(page: Any, selector: str) -> list[str]:
    """Pairs of visible elements matching ``selector`` whose boxes overlap, and elements
    that leave the viewport."""
    return list(
        page.evaluate(
            """(sel) => {
      const w = window.innerWidth, h = window.innerHeight, out = [];
      const els = Array.from(document.querySelectorAll(sel)).filter(
        (e) => e.offsetParent !== null && e.getBoundingClientRect().width > 0);
      const r = els.map((e) => e.getBoundingClientRect());
      const name = (e) => e.id || e.className || e.tagName;
      for (let i = 0; i < els.length; i++) {
        if (r[i].left < -0.5 || r[i].top < -0.5 || r[i].right > w + 0.5 || r[i].bottom > h + 0.5)
          out.push(name(els[i]) + " leaves the viewport");
        for (let j = i + 1; j < els.length; j++) {
          const x = Math.min(r[i].right, r[j].right) - Math.max(r[i].left, r[j].left);
          const y = Math.min(r[i].bottom, r[j].bottom) - Math.max(r[i].top, r[j].top);
          if (x > 0.5 && y > 0.5) out.push(name(els[i]) + " overlaps " + name(els[j]));
        }
      }
      return out;
    }""",
            selector,
        )
    )


class Contexts:
    """The session's Chromium as a test sees it: pages and contexts it opens are closed by
    :meth:`close` (the browser itself stays up for the next test)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.opened: list[Any] = []

    def new_context(self, **kw: Any) -> Any:
        ctx = self.browser.new_context(**kw)
        self.opened.append(ctx)
        return ctx

    def new_page(self, **kw: Any) -> Any:
        return self.new_context(**kw).new_page()

    def close(self) -> None:
        for ctx in self.opened:
            ctx.close()
        self.opened.clear()


def shot(name: str) -> str:
    """Where a browser test saves a screenshot: ``$SOCIALHUB_SCREENSHOTS`` (e.g.
    ``docs/screenshots`` to refresh the README's), else a temporary folder."""
    import os
    import tempfile

    folder = Path(os.environ.get("SOCIALHUB_SCREENSHOTS") or Path(tempfile.gettempdir()) / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)
