"""The empty-text policy, the same for every connector (docs/connectors.md).

A post with no text of its own is still a post when it carries something: its text is
then built from what it has — a Facebook ``story``, an attachment's title, an image's
alt text, a link card's title —, else its link or its first media URL. A post with none
of these goes to quarantine (dead letters) with the reason. No mention is ever stored
with an empty text.

Examples
--------
>>> policy_text("  ", fallbacks=["", "Photo de la panne"], links=["https://x.example/p.jpg"])
'Photo de la panne'
>>> policy_text("", links=["", "https://x.example/a"])
'https://x.example/a'
>>> policy_text("")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
EmptyText: no text, caption, title, link or media (empty-text policy)
"""

from __future__ import annotations

from collections.abc import Iterable

from socialhub.records.quarantine import Reason


class EmptyText(ValueError):
    """Nothing to build a text from: the item is quarantined with this reason."""


REASON = Reason("empty_text_policy")  # "no text, caption, title, link or media (...)"


def policy_text(
    text: str | None, *, fallbacks: Iterable[str | None] = (), links: Iterable[str | None] = ()
) -> str:
    """The post's own text; else its fallbacks (joined, each once); else its first link."""
    own = (text or "").strip()
    if own:
        return own
    built = [" ".join(str(f).split()) for f in fallbacks if f and str(f).strip()]
    if built:
        return "\n".join(dict.fromkeys(built))
    for link in links:
        if link and str(link).strip():
            return str(link).strip()
    raise EmptyText(REASON)
