"""The PDF renders: pdftoppm (Debian's poppler-utils) turns it into non-empty PNG pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from socialhub.reports.build import build
from socialhub.store.sqlite import SqliteStore

from .helpers import PERIOD, hours, mention, setup_workspace


def _pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils", pytrace=False)
    return path


def test_digest_pdf_renders_to_non_empty_pages(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    w = setup_workspace(sqlite_store)
    assert w.brand.id and w.press.id
    sqlite_store.mentions.add(
        [
            mention(f"m{i}", f"Fictel fibre optique, épisode {i}", PERIOD[0] + hours(i / 3),
                    "croussel" if i % 3 == 0 else f"user{i}", [w.brand.id, w.press.id],
                    keyphrases=["fibre optique"], likes=i)
            for i in range(24)
        ]
    )  # fmt: skip
    built = build(sqlite_store, w.ws, "digest", *PERIOD)
    assert built.pdf is not None and built.pdf.startswith(b"%PDF-")
    # the print flavour draws charts as SVG, the email flavour as table cells
    assert "<svg" in built.print_html and "<svg" not in built.html
    pdf = tmp_path / "digest.pdf"
    pdf.write_bytes(built.pdf)
    subprocess.run([_pdftoppm(), "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    dark = []
    for page in pages:
        with Image.open(page) as img:
            grey = img.convert("L")
            assert grey.width > 200 and grey.height > 300  # A4 at 40 dpi: 331 x 468
            dark.append(sum(grey.histogram()[:128]))  # pixels darker than mid-grey
    assert all(n > 100 for n in dark), f"a blank page: {dark}"
    assert dark[0] > 5_000  # the header band, the figures and the charts
