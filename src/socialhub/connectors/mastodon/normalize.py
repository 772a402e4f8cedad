"""Mastodon ``Status`` entities -> :class:`~socialhub.models.Mention`.

Ids: a status has an instance-local ``id`` and a global ActivityPub ``uri``. The
native id is the ``uri``, so the same post seen through several instances is one
mention, and boosts/quotes (which embed the original status) point to it. A reply only
carries the parent's *local* id (``in_reply_to_id``): ``reply_to`` is the parent's
``uri`` when the parent is in the same response, else ``"<host>:<local id>"`` (look it
up with ``GET https://<host>/api/v1/statuses/<id>``). The thread root is not in the
entity, so ``root_id`` stays None unless known the same way.

``content`` is HTML written by anyone: :func:`html_to_text` turns it into plain text
(it is hostile data, never rendered by the connector).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from socialhub.connectors.base import parse_time
from socialhub.connectors.empty_text import EmptyText, policy_text
from socialhub.models import Author, Engagement, Mention
from socialhub.records.quarantine import Reason, reason_of

PLATFORM = "mastodon"
_BLOCKS = {"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "template"}


class NormalizeError(ValueError):
    """The status lacks what a mention needs."""


class _TextParser(HTMLParser):
    """Collects text; ``<br>`` -> newline, paragraphs -> blank line; no markup kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities via html.unescape, nothing more
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        # Mastodon hides link prefixes/suffixes in <span class="invisible">: keeping
        # every span's text gives back the full URL, which `site:` queries need.
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of a status's HTML ``content``.

    >>> html_to_text('<p>Panne <a href="https://x.example/t">#<span>fibre</span></a>'
    ...              ' &amp; co</p><p>2</p>')
    'Panne #fibre & co\\n\\n2'
    """
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    out: list[str] = []
    for raw_line in text.split("\n"):
        line = " ".join(raw_line.split())
        if line or (out and out[-1]):  # at most one empty line in a row, none leading
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def full_acct(account: dict[str, Any], host: str) -> str:
    """The canonical ``user@instance-domain`` handle.

    A local account's ``acct`` has no domain: it is the instance's, read from the
    account's own URL (``https://social.example/@alice``), not from the API host the
    hub talks to (a proxy, a port, an IP). Domains are lower-case, ports dropped.

    >>> full_acct({"acct": "alice", "url": "https://Social.Example/@alice"}, "10.0.0.5:3000")
    'alice@social.example'
    >>> full_acct({"acct": "bob@Other.Example"}, "h")
    'bob@other.example'
    >>> full_acct({"acct": "carol"}, "api.example:8443")
    'carol@api.example'
    """
    acct = str(account.get("acct") or account.get("username") or "").lstrip("@")
    if not acct:
        raise NormalizeError(Reason("mastodon_account_without_acct"))
    user, _, domain = acct.partition("@")
    if not domain:
        domain = _url_domain(str(account.get("url") or "")) or _url_domain(f"//{host}") or host
    return f"{user}@{domain.lower().rstrip('.')}"


def _url_domain(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _author(account: Any, host: str) -> Author:
    if not isinstance(account, dict):
        raise NormalizeError(Reason("mastodon_status_without_account"))
    acct = full_acct(account, host)
    return Author(
        platform=PLATFORM,
        native_id=acct,
        handle=acct,
        name=str(account.get("display_name") or account.get("username") or ""),
        followers=int(account.get("followers_count") or 0),
        following=int(account.get("following_count") or 0),
        created_at=parse_time(account.get("created_at")),
        description=html_to_text(str(account.get("note") or "")),
    )


def _text(status: dict[str, Any], media: list[str]) -> str:
    body = html_to_text(str(status.get("content") or ""))
    warning = str(status.get("spoiler_text") or "").strip()
    # the content warning is part of what was said (and often the keyword itself)
    text = f"{warning}\n\n{body}" if warning and body else warning or body
    # empty-text policy: media descriptions (alt text), the link card, else a URL
    attachments = [m for m in status.get("media_attachments") or [] if isinstance(m, dict)]
    card: dict[str, Any] = status["card"] if isinstance(status.get("card"), dict) else {}
    fallbacks = [str(m.get("description") or "") for m in attachments]
    fallbacks.append(str(card.get("title") or ""))
    try:
        return policy_text(text, fallbacks=fallbacks, links=[str(card.get("url") or ""), *media])
    except EmptyText as exc:
        raise NormalizeError(reason_of(exc)) from exc


def _engagement(status: dict[str, Any]) -> Engagement:
    return Engagement(
        likes=int(status.get("favourites_count") or 0),
        reposts=int(status.get("reblogs_count") or 0),
        replies=int(status.get("replies_count") or 0),
        quotes=int(status.get("quotes_count") or 0),
    )


def _quoted(status: dict[str, Any]) -> str | None:
    """Mastodon 4.5 quote posts: ``quote: {state, quoted_status}``."""
    quote = status.get("quote")
    if isinstance(quote, dict) and isinstance(quote.get("quoted_status"), dict):
        return str(quote["quoted_status"].get("uri") or "") or None
    return None


def local_uris(statuses: list[Any]) -> dict[str, str]:
    """Local id -> uri for every status of a response, boosted originals included."""
    known: dict[str, str] = {}
    for status in statuses:
        for item in (status, status.get("reblog") if isinstance(status, dict) else None):
            if isinstance(item, dict) and item.get("id") and item.get("uri"):
                known[str(item["id"])] = str(item["uri"])
    return known


def from_status(
    status: Any,
    *,
    host: str,
    collected_via: str,
    match_query: str = "",
    collected_at: datetime | None = None,
    known: dict[str, str] | None = None,
) -> Mention:
    """One status (a boost gives a ``repost`` of the embedded original).

    ``known`` maps local ids of statuses in the same response to their uris.
    """
    if not isinstance(status, dict) or not status.get("uri") or not status.get("id"):
        raise NormalizeError(Reason("mastodon_status_without_id"))
    created = parse_time(status.get("created_at"))
    if created is None:
        raise NormalizeError(Reason("mastodon_status_bad_created_at"))
    author = _author(status.get("account"), host)
    collected_at = collected_at or datetime.now(UTC)
    reblog = status.get("reblog")
    if isinstance(reblog, dict):
        original = from_status(
            reblog, host=host, collected_via=collected_via, collected_at=collected_at
        )
        return Mention(
            platform=PLATFORM,
            native_id=str(status["uri"]),
            text=original.text,
            created_at=created,
            url=original.url,
            lang=original.lang,
            kind="repost",
            collected_at=collected_at,
            collected_via=collected_via,
            match_query=match_query,
            author=author,
            repost_of=original.native_id,
            media=list(original.media),
            raw=status,
        )
    reply_to = None
    parent = status.get("in_reply_to_id")
    if parent:
        reply_to = (known or {}).get(str(parent)) or f"{host}:{parent}"
    quote = _quoted(status)
    media = [
        str(m.get("url") or m.get("remote_url"))
        for m in status.get("media_attachments") or []
        if isinstance(m, dict) and (m.get("url") or m.get("remote_url"))
    ]
    return Mention(
        platform=PLATFORM,
        native_id=str(status["uri"]),
        text=_text(status, media),
        created_at=created,
        url=str(status.get("url") or status["uri"]),
        lang=str(status.get("language") or "und"),
        kind="reply" if reply_to else "quote" if quote else "post",
        collected_at=collected_at,
        collected_via=collected_via,
        match_query=match_query,
        author=author,
        reply_to=reply_to,
        quote_of=quote,
        engagement=_engagement(status),
        media=media,
        raw=status,
    )
