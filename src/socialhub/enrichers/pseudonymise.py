"""Pseudonymisation at collection: authors nobody listed are stored under a keyed hash.

GDPR art. 4(5) and 25 (data protection by default): a hub that watches a brand needs
what was said and how far it went, not who every private person is. With the key set
in ``SOCIALHUB_PSEUDONYM_KEY`` (switched off without it), the stage rewrites each
mention whose author is on none of the workspace watchlists (``Mention.watchlists``,
set by routing, so this stage runs after it):

* the author's id and handle become ``anon-<hmac>``, where ``hmac`` is
  HMAC-SHA256(key, "platform:native_id") cut to 20 hex characters: the same person
  gets the same pseudonym (counts per author, coordination, top authors still work),
  and without the key nobody can recompute it from a handle;
* their name, description and location are emptied;
* the handle is replaced in the post's URL and text;
* the raw payload is dropped (it names the author); ``raw_sha256`` of the original is
  kept, proof that a payload with that hash was collected.

Listed voices (journalists, MPs, partners...) are kept as they are: the team watches
them by name. Pseudonymised posts cannot become evidence later (no payload): a legal
team that needs evidence captures the page (socialhub legal).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
from typing import ClassVar

from socialhub.models import Author, Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, Enricher, NotConfigured

KEY_ENV = "SOCIALHUB_PSEUDONYM_KEY"
PREFIX = "anon-"


def pseudonym(key: bytes, platform: str, native_id: str) -> str:
    """The stable pseudonym of an author on a platform under ``key``.

    >>> pseudonym(b"k", "x", "42") == pseudonym(b"k", "x", "42") != pseudonym(b"j", "x", "42")
    True
    """
    digest = hmac.new(key, f"{platform}:{native_id}".encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]


def pseudonymise(mention: Mention, key: bytes) -> Mention:
    """A copy of the mention with its author pseudonymised (see the module docstring)."""
    author = mention.author
    if author is None or author.native_id.startswith(PREFIX):
        return mention
    alias = pseudonym(key, author.platform, author.native_id)
    handle = author.handle.lstrip("@")
    text, url = mention.text, mention.url
    if handle:
        pattern = re.compile(rf"(?<![\w]){re.escape(handle)}(?!\w)", re.IGNORECASE)
        text, url = pattern.sub(alias, text), pattern.sub(alias, url)
    if author.native_id:
        url = url.replace(author.native_id, alias)
    masked = Author(
        author.platform,
        alias,
        handle=alias,
        followers=author.followers,
        following=author.following,
        verified=author.verified,
    )
    return dataclasses.replace(mention, author=masked, text=text, url=url, raw=None)


class Pseudonymiser(BaseEnricher):
    """Stage ``pseudonymise``: unlisted authors stored under a keyed hash."""

    name: ClassVar[str] = "pseudonymise"

    def __init__(self, ctx: Context, key: bytes) -> None:
        super().__init__(ctx)
        self.key = key

    @classmethod
    def from_settings(cls, ctx: Context) -> Enricher:
        key = os.environ.get(KEY_ENV, "")
        if not key:
            raise NotConfigured(f"{KEY_ENV} is not set: authors are stored as collected")
        if len(key) < 16:
            raise ValueError(f"{KEY_ENV} must be at least 16 characters (a random secret)")
        return cls(ctx, key.encode())

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        return [m if m.watchlists else pseudonymise(m, self.key) for m in batch]
