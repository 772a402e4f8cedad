"""Evidence capture: WARC through the guard, screenshot and PDF by Chromium with every
request routed through the same guard; loopback/private targets and redirects to them
are refused (the tests' own server is allowed by an explicit host:port allowance)."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from socialhub.legal.desk import LegalConfig, LegalDesk
from socialhub.legal.fetch import CaptureGuard, CaptureRefused, GuardedFetcher
from socialhub.store.legal import LegalRepo
from socialhub.store.sqlite import SqliteStore

from .helpers import PIXEL, Site, page, serve, world_with_post

HTML = {"Content-Type": "text/html; charset=utf-8"}


def _desk(store: SqliteStore, tmp_path: Path, allow: list[str], browser: bool) -> LegalDesk:
    return LegalDesk(store, LegalConfig(files=tmp_path / "ev", allow=tuple(allow), browser=browser))


def _records(warc: bytes) -> list[tuple[str, str]]:
    return [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
        for r in ArchiveIterator(io.BytesIO(warc))
        if r.rec_type in ("request", "response")
    ]


def test_guard_refuses_loopback_private_and_odd_schemes() -> None:
    table = {"intranet.example": ["10.1.2.3"], "public.example": ["93.184.216.34"]}
    guard = CaptureGuard(resolver=lambda h: table.get(h, []))
    assert guard.refusal("http://127.0.0.1:8000/") is not None
    assert "non-public" in (CaptureGuard().refusal("http://localhost/") or "")
    assert "non-public" in (guard.refusal("http://intranet.example/") or "")
    assert guard.refusal("file:///etc/passwd") == "not an http(s) link"
    assert guard.refusal("http://public.example/a") is None
    # The allowance is exact: another port of the same host is still refused.
    narrow = CaptureGuard(["127.0.0.1:8123"])
    assert narrow.refusal("http://127.0.0.1:8123/x") is None
    assert narrow.refusal("http://127.0.0.1:8124/x") is not None


def test_warc_capture_and_refusals_without_browser(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    other = Site({"/secret": (200, HTML, b"internal admin")})
    with serve(other), serve(Site()) as site:
        site.routes.update({
            "/post/77": (200, HTML, page("Billet")),
            "/pixel.png": (200, {"Content-Type": "image/png"}, PIXEL),
            "/moved": (302, {"Location": "/post/77"}, b""),
            "/to-loopback": (302, {"Location": f"{other.base}/secret"}, b""),
            "/to-private": (301, {"Location": "http://10.0.0.7/admin"}, b""),
        })  # fmt: skip
        ws, item = world_with_post(sqlite_store, f"{site.base}/moved")
        desk = _desk(sqlite_store, tmp_path, [site.allow], browser=False)
        case, _ = desk.send(ws, "mention", item, by="ana", reason="defamation")
        assert case.id is not None

        done = desk.capture(case.id, item, "juriste")
        (warc,) = done.captures
        assert warc.status == "ok" and warc.final_url == f"{site.base}/post/77"
        data = desk.files.get(warc.sha256)
        assert hashlib.sha256(data).hexdigest() == warc.sha256 and desk.files.check(warc.sha256)
        assert ("response", f"{site.base}/moved") in _records(data)
        assert ("response", f"{site.base}/post/77") in _records(data)
        assert b"Billet" in gzip.decompress(data)

        # Not allowed: the same server without the allowance; redirects out of it.
        for path, target in (("/post/77", f"{site.base}/post/77"),
                             ("/to-loopback", f"{other.base}/secret"),
                             ("/to-private", "http://10.0.0.7/admin")):  # fmt: skip
            guard = CaptureGuard([site.allow] if path != "/post/77" else [])
            fetcher = GuardedFetcher(guard)
            with pytest.raises(CaptureRefused) as refused:
                fetcher.get(f"{site.base}{path}")
            fetcher.close()
            assert refused.value.url == target
        assert other.hits == []  # the loopback service was never reached

        # Through the desk: recorded as refused, with the reason, and in custody.
        repo = LegalRepo(sqlite_store)
        items = repo.list_items(case.id)
        # Point the item at a page that redirects to a private address.
        with sqlite_store.db._tx() as cur:
            cur.execute("UPDATE legal_case_items SET url = ? WHERE item_id = ?",
                        (f"{site.base}/to-private", items[0].item_id))  # fmt: skip
        refused_run = desk.capture(case.id, item, "juriste")
        assert refused_run.refused and refused_run.captures[0].status == "refused"
        actions = [e.action for e in desk.custody.entries(case.id)]
        assert actions == ["case.opened", "item.added", "capture.taken", "capture.refused"]
        assert desk.custody.verify(case.id) is None


@pytest.mark.slow
def test_chromium_capture_routes_every_request_through_the_guard(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    other = Site({"/tracker.png": (200, {"Content-Type": "image/png"}, PIXEL)})
    with serve(other), serve(Site()) as site:
        leak = f'<img src="{other.base}/tracker.png"><script>fetch("{other.base}/x")</script>'
        site.routes.update({
            "/post/77": (200, HTML, page("Billet diffamatoire", leak)),
            "/pixel.png": (200, {"Content-Type": "image/png"}, PIXEL),
            "/bounce": (302, {"Location": f"{other.base}/tracker.png"}, b""),
        })  # fmt: skip
        ws, item = world_with_post(sqlite_store, f"{site.base}/post/77")
        desk = _desk(sqlite_store, tmp_path, [site.allow], browser=True)
        case, _ = desk.send(ws, "mention", item, by="ana", reason="defamation")
        assert case.id is not None
        done = desk.capture(case.id, item, "juriste")
        kinds = {c.artifact: c for c in done.captures}
        assert {k: c.status for k, c in kinds.items()} == {
            "warc": "ok",
            "screenshot": "ok",
            "pdf": "ok",
        }
        assert desk.files.get(kinds["screenshot"].sha256).startswith(b"\x89PNG")
        assert desk.files.get(kinds["pdf"].sha256).startswith(b"%PDF")
        uris = _records(desk.files.get(kinds["warc"].sha256))
        assert ("response", f"{site.base}/pixel.png") in uris  # sub-resources recorded
        assert other.hits == []  # the browser never reached the loopback service
        assert any("tracker.png" in b for b in done.blocked)

        # A page that redirects to loopback is refused in the browser path too.
        with sqlite_store.db._tx() as cur:
            cur.execute("UPDATE legal_case_items SET url = ?", (f"{site.base}/bounce",))
        refused = desk.capture(case.id, item, "juriste")
        assert refused.refused and other.hits == []
