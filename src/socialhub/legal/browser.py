"""The page as shown: a screenshot and a PDF by headless Chromium, every request
through the capture guard.

Chromium never reaches the network itself: ``page.route`` takes every request the
page makes (document, scripts, images, XHR), fetches it with the
:class:`~socialhub.legal.fetch.GuardedFetcher` (guard check per redirect hop, WARC
record) and fulfils the browser with the answer, or aborts it when the guard refuses.
So the WARC holds every resource the screenshot shows. Service workers are blocked and
WebSockets closed (``route_web_socket``), since neither passes through ``page.route``.

Debian's ``/usr/bin/chromium`` with the flags of DESIGN.md §4; never a downloaded
browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialhub.legal.fetch import CaptureRefused, Fetched, GuardedFetcher

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

NAV_TIMEOUT_MS = 30_000


@dataclass(slots=True)
class Shown:
    screenshot: bytes
    pdf: bytes
    document: Fetched
    blocked: list[str] = field(default_factory=list)  # sub-requests the guard refused


def capture_page(url: str, fetcher: GuardedFetcher, *, chromium: str = CHROMIUM) -> Shown:
    """Load ``url`` in Chromium through the fetcher; raise CaptureRefused when the page
    itself (or a redirect of it) is refused."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    document: list[Fetched] = []
    refused: list[CaptureRefused] = []

    def handle(route: Any) -> None:
        request = route.request
        if request.method != "GET":
            blocked.append(f"{request.method} {request.url[:200]}")
            route.abort("blockedbyclient")
            return
        try:
            answer = fetcher.get(request.url, {"Accept": request.headers.get("accept", "*/*")})
        except CaptureRefused as exc:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                refused.append(exc)
            blocked.append(f"{exc.url[:200]}: {exc.reason}")
            route.abort("blockedbyclient")
            return
        except Exception as exc:  # a broken sub-resource must not lose the capture
            blocked.append(f"{request.url[:200]}: {type(exc).__name__}")
            route.abort("failed")
            return
        if request.is_navigation_request() and request.frame.parent_frame is None:
            document.append(answer)
        skip = {"content-encoding", "transfer-encoding", "content-length", "location"}
        headers = {k: v for k, v in answer.headers if k.lower() not in skip}
        route.fulfill(status=answer.status, headers=headers, body=answer.body)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            context = browser.new_context(
                service_workers="block", viewport={"width": 1280, "height": 1600}
            )
            page = context.new_page()
            page.route("**/*", handle)
            page.route_web_socket("**/*", lambda ws: ws.close())
            try:
                page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)
            except Exception:
                if refused:
                    raise refused[0] from None
                raise
            if refused:
                raise refused[0]
            if not document:
                raise CaptureRefused(url, "the page was not loaded")
            page.wait_for_timeout(300)  # late layout (fonts, lazy images) settles
            screenshot = page.screenshot(full_page=True, type="png")
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    return Shown(screenshot, pdf, document[0], blocked)
