"""The web watcher: a forum topic or an article's comments as a source of mentions.

A target (kind ``page``, value = the thread URL) carries its selectors in
``target.options`` (connector-level options give defaults)::

    item = "article.comment"          # required: one element per comment
    text = ".body"                    # inside the item (default: the item's whole text)
    author = ".author"
    date = "time"                     # its datetime= / title= attribute, else its text
    id_attr = "data-comment-id"       # optional stable id on the item element
    next = "a[rel=next]"              # optional next-page link
    order = "oldest_first"            # forum (new replies on the last page) or
                                      # "newest_first" (comment sections, newest on top)
    platform = "forum"                # or "comments"
    date_format = ""                  # strptime format when dates are not ISO/dd/mm/yyyy
    timezone = "Europe/Paris"         # zone of dates written without one
    max_pages = 10                    # pages read per fetch sweep

One :meth:`fetch` reads one page. ``oldest_first`` threads resume from the last page
reached on the previous poll; ``newest_first`` threads start on page 1 and stop at the
first page with nothing new. The cursor keeps recently seen item hashes (so re-reading a
page never duplicates), the resume URL and the URLs visited in the sweep (a next link
that loops back ends it).

Every request — the configured page, robots.txt, each redirect hop, next pages — passes
the address guard (:mod:`socialhub.connectors.linkguard`); a next link to an internal
address is dead-lettered with the reason (the link only) and ends the sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from socialhub.connectors.base import BadRequest, Page, Rejected, Target
from socialhub.connectors.linkguard import LinkGuard
from socialhub.connectors.manifest import load_manifest, option_defaults
from socialhub.connectors.webwatch.client import PoliteFetcher
from socialhub.connectors.webwatch.extract import Selectors, extract
from socialhub.connectors.webwatch.normalize import PLATFORMS, item_to_mention
from socialhub.records.quarantine import Reason, reason_of

MANIFEST = load_manifest("webwatch")
OPTIONS = option_defaults("webwatch")  # the manifest's [options]: the one place of each default

SEEN_MAX = 5000


class WebWatchConnector:
    """Configurable HTML watcher. Options: ``min_delay`` (seconds between two requests
    to one host, default 5), ``timeout``, ``user_agent``, and selector defaults."""

    name = "webwatch"

    def __init__(
        self,
        *,
        min_delay: float = OPTIONS["min_delay"],
        timeout: float = OPTIONS["timeout"],
        user_agent: str = OPTIONS["user_agent"],
        clock: Callable[[], datetime] | None = None,
        env: Mapping[str, str] | None = None,
        **defaults: Any,
    ) -> None:
        # every request (page, robots.txt, redirect hop) passes the address guard
        self.guard = LinkGuard()
        self.fetcher = PoliteFetcher(
            min_delay=min_delay, timeout=timeout, user_agent=user_agent, guard=self.guard
        )
        self.clock = clock or (lambda: datetime.now(UTC))
        MANIFEST.resolve(defaults, where="WebWatchConnector")  # refuses an undeclared option
        self.defaults = defaults

    async def close(self) -> None:
        await self.fetcher.close()

    def _config(self, target: Target) -> dict[str, Any]:
        config = {**self.defaults, **target.options}
        if config.setdefault("platform", "forum") not in PLATFORMS:
            raise BadRequest(f"webwatch: platform must be one of {PLATFORMS}")
        if config.setdefault("order", "oldest_first") not in ("oldest_first", "newest_first"):
            raise BadRequest("webwatch: order must be 'oldest_first' or 'newest_first'")
        return config

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.kind != "page":
            raise BadRequest(f"webwatch: unsupported target kind {target.kind!r} (use 'page')")
        config = self._config(target)
        try:
            selectors = Selectors.from_options(config)
        except (ValueError, TypeError) as exc:
            raise BadRequest(str(exc)) from exc
        state: dict[str, Any] = orjson.loads(orjson.dumps(dict(cursor or {})))
        visited: list[str] = list(state.get("visited", []))
        if not visited:  # a new sweep
            start = state.get("resume") if config["order"] == "oldest_first" else None
            url = str(start or target.value)
        else:
            url = str(state.get("next") or target.value)
        html = await self.fetcher.fetch_html(url)
        found = extract(html, url, selectors)
        now = self.clock()
        seen: list[str] = list(state.get("seen", []))
        seen_set = set(seen)
        page = Page()
        known = 0
        for item in found.items:
            try:
                mention = item_to_mention(
                    item,
                    thread_url=target.value,
                    page_url=url,
                    platform=config["platform"],
                    match_query=target.match_query,
                    collected_at=now,
                    date_format=str(config.get("date_format") or ""),
                    tz=str(config.get("timezone") or "Europe/Paris"),
                    title=found.title,
                )
            except ValueError as exc:
                page.rejected.append(Rejected(reason_of(exc), item.html, url))
                continue
            if mention.native_id in seen_set:
                known += 1
                continue
            seen_set.add(mention.native_id)
            seen.append(mention.native_id)
            page.mentions.append(mention)
        visited.append(url)
        state["seen"] = seen[-SEEN_MAX:]
        if config["order"] == "oldest_first":
            state["resume"] = url  # new replies land on the last page reached
        nxt = found.next_url
        if nxt is not None and (reason := await self.guard.arefusal(nxt)):
            # the page's author wrote that link: refused, said, and the sweep ends here
            page.rejected.append(Rejected(Reason("next_page_refused", reason=reason), nxt, url))
            nxt = None
        more = (
            nxt is not None
            and nxt not in visited
            and len(visited) < int(config.get("max_pages", 10))
            and not (config["order"] == "newest_first" and (known or not page.mentions))
        )
        if more:
            state.update(visited=visited, next=nxt)
            page.done = False
        else:
            state.update(visited=[], next=None)
            page.done = True
        page.cursor = state
        return page
