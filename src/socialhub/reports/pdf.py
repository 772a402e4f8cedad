"""HTML to PDF with WeasyPrint (pure Python layout over Pango; charts stay vectors).

WeasyPrint needs the system's Pango (Debian: ``libpango-1.0-0``, ``libpangoft2-1.0-0``).
It fetches nothing: the report has no external resource, and the URL fetcher refuses
any, so a hostile link in a post can never make the renderer reach the network.
"""

from __future__ import annotations

from typing import Any

__all__ = ["html_to_pdf", "html_to_pdf_pages"]


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"reports load no external resource (asked for {url[:80]!r})")


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # imported here: slow to import, and only the PDF needs it

    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return bytes(pdf)


def html_to_pdf_pages(html: str) -> tuple[bytes, int]:
    """The PDF and its number of pages (one layout)."""
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch).render()
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf), len(document.pages)
