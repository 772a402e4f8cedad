"""Export bundles and their verification: a bundle verifies whole; one changed byte or
one removed custody entry fails, naming the file or entry; the chain head carries an
RFC 3161 token from a local TSA when one is configured."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from socialhub.legal.bundle import export_bundle, read_member, rewrite_member, verify_bundle
from socialhub.legal.desk import LegalConfig, LegalDesk
from socialhub.legal.tsa import TimestampError, check_token, request_timestamp
from socialhub.store.base import Store

from .helpers import PIXEL, Site, page, serve, world_with_post
from .tsa_server import serve_tsa

HTML = {"Content-Type": "text/html; charset=utf-8"}


def _case(store: Store, tmp_path: Path, tsa_url: str = "") -> tuple[LegalDesk, int]:
    with serve(Site()) as site:
        site.routes.update({
            "/post/77": (200, HTML, page("Billet")),
            "/pixel.png": (200, {"Content-Type": "image/png"}, PIXEL),
        })  # fmt: skip
        ws, item = world_with_post(store, f"{site.base}/post/77")
        config = LegalConfig(files=tmp_path / "ev", allow=(site.allow,), browser=False,
                             tsa_url=tsa_url)  # fmt: skip
        desk = LegalDesk(store, config)
        case, _ = desk.send(ws, "mention", item, by="ana", reason="defamation",
                            note="Capture demandée par la direction juridique")  # fmt: skip
        assert case.id is not None
        desk.view(case.id, "juriste")
        desk.update(case.id, "juriste", status="investigating", owner="juriste")
        desk.capture(case.id, item, "juriste")
    return desk, case.id


def test_bundle_verifies_and_names_tampering(store: Store, tmp_path: Path) -> None:
    desk, case_id = _case(store, tmp_path)
    out = export_bundle(desk, case_id, "juriste", tmp_path / "case.zip", lang="en")
    verdict = verify_bundle(out)
    assert verdict.ok, verdict.problems
    names = set(zipfile.ZipFile(out).namelist())
    assert {"manifest.json", "case.json", "report-en.pdf", "custody.jsonl",
            "items/1/record.json", "items/1/raw.txt"} <= names  # fmt: skip
    assert any(n.startswith("captures/") and n.endswith(".warc.gz") for n in names)
    actions = [json.loads(x)["action"] for x in read_member(out, "custody.jsonl").splitlines()]
    assert actions == ["case.opened", "item.added", "note.added", "case.viewed",
                       "case.status", "case.owner", "capture.taken", "case.exported"]  # fmt: skip
    assert desk.custody.verify(case_id) is None

    # One byte changed in the raw payload.
    bad = tmp_path / "byte.zip"
    bad.write_bytes(out.read_bytes())
    raw = bytearray(read_member(bad, "items/1/raw.txt"))
    raw[5] ^= 0x01
    rewrite_member(bad, "items/1/raw.txt", bytes(raw))
    verdict = verify_bundle(bad)
    assert not verdict.ok and any(
        p.startswith("items/1/raw.txt: altered") for p in verdict.problems
    )

    # One custody entry removed (the manifest rewritten to match the new file).
    cut = tmp_path / "cut.zip"
    cut.write_bytes(out.read_bytes())
    lines = read_member(cut, "custody.jsonl").splitlines(keepends=True)
    rewrite_member(cut, "custody.jsonl", b"".join(lines[:3] + lines[4:]))
    verdict = verify_bundle(cut)
    assert not verdict.ok
    assert any("custody.jsonl: chain 'custody:" in p and "#5" in p and "missing" in p
               for p in verdict.problems), verdict.problems  # fmt: skip

    # A capture file replaced and the manifest rewritten to match: the export entry's
    # digest in the chain still catches it.
    swap = tmp_path / "swap.zip"
    swap.write_bytes(out.read_bytes())
    manifest = json.loads(read_member(swap, "manifest.json"))
    for f in manifest["files"]:
        if f["path"] == "items/1/record.json":
            data = read_member(swap, f["path"]).replace(b"Acme", b"Acne")
            rewrite_member(swap, f["path"], data)
            import hashlib

            f["sha256"] = hashlib.sha256(data).hexdigest()
    rewrite_member(swap, "manifest.json", json.dumps(manifest).encode())
    verdict = verify_bundle(swap)
    assert not verdict.ok and any("export entry" in p for p in verdict.problems)


def test_chain_head_is_timestamped_by_a_local_tsa(store: Store, tmp_path: Path) -> None:
    with serve_tsa() as (url, tsa):
        desk, case_id = _case(store, tmp_path, tsa_url=url)
        out = export_bundle(desk, case_id, "juriste", tmp_path / "case.zip")
        assert tsa.requests == 1
        head = json.loads(read_member(out, "manifest.json"))["custody"]["head"]
        token = check_token(read_member(out, "custody-head.tsr"), head)
        assert token.cert_sha256 and token.gen_time.year >= 2026
        assert verify_bundle(out).ok
        with pytest.raises(TimestampError, match="does not cover"):
            check_token(read_member(out, "custody-head.tsr"), "0" * 64)
        assert request_timestamp(url, head).der != token.der  # a fresh token each time
    # A token whose signature was tampered with is refused by verify.
    der = bytearray(read_member(out, "custody-head.tsr"))
    der[-5] ^= 0xFF
    rewrite_member(out, "custody-head.tsr", bytes(der))
    problems = verify_bundle(out).problems
    assert any(p.startswith("custody-head.tsr") for p in problems), problems
