"""The digest's length budget: the PDF fits in :data:`PAGE_BUDGET` pages.

The digest's data keeps every list whole, ranked by importance (stories, journalists by
the importance of what they said, press requests by the importance of their story,
alerts by importance, competitors' moments by volume). The templates show the first
``d.fit.<list>`` items of each and an "and N more" line for the rest. :func:`fit_pdf`
lays the print version out at each level of :data:`LEVELS`, from the fullest, and keeps
the first that fits: lists are cut from their least important end, never by recency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["LEVELS", "PAGE_BUDGET", "fit_pdf", "limits"]

PAGE_BUDGET = 4

# items shown per list, fullest first
LEVELS: list[dict[str, int]] = [
    {"essentials": 5, "press": 6, "journalists": 5, "stories": 3, "topics": 4, "people": 4,
     "top_posts": 3, "alerts": 10, "moments": 4},
    {"essentials": 5, "press": 4, "journalists": 4, "stories": 2, "topics": 3, "people": 3,
     "top_posts": 3, "alerts": 6, "moments": 3},
    {"essentials": 4, "press": 3, "journalists": 3, "stories": 2, "topics": 2, "people": 2,
     "top_posts": 2, "alerts": 4, "moments": 2},
    {"essentials": 3, "press": 2, "journalists": 2, "stories": 1, "topics": 1, "people": 1,
     "top_posts": 1, "alerts": 3, "moments": 1},
]  # fmt: skip


def limits(level: int = 0) -> dict[str, int]:
    """The items shown per list at ``level`` (clamped to the last level)."""
    return dict(LEVELS[max(0, min(level, len(LEVELS) - 1))])


def fit_pdf(
    data: dict[str, Any],
    render: Callable[[dict[str, Any]], str],
    layout: Callable[[str], tuple[bytes, int]],
    budget: int = PAGE_BUDGET,
) -> tuple[str, bytes, int]:
    """(print HTML, PDF, pages) at the fullest level that fits ``budget`` pages (the
    last level when none does). Sets ``data["fit"]`` to the chosen limits, so the email
    shows the same lists as the PDF."""
    html, pdf, pages = "", b"", 0
    for level in range(len(LEVELS)):
        data["fit"] = {**limits(level), "level": level}
        html = render(data)
        pdf, pages = layout(html)
        if pages <= budget:
            break
    return html, pdf, pages
