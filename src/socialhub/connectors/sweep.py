"""The bookkeeping of a two-phase sweep kept in a connector's JSON cursor: list a
target's new items (posts, videos) page by page, then re-read the comments of the most
recent ones, newest first, each up to its own high-water mark.

Facebook Pages and YouTube sweep this way; they differ in what the page cursor is
called (Graph's ``after``, YouTube's ``token``), where the watched items are kept and
how the next sweep starts, which :class:`Sweep` takes as parameters. The cursor stays a
plain dict so a checkpoint written by an older version still resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from socialhub.connectors.base import Page

State = dict[str, Any]


@dataclass(frozen=True)
class Sweep:
    cursor_key: str  # the API's page cursor, stored under this name
    watch_key: str  # the recent items whose comments are re-read
    watch_max: int
    end: Callable[[State], None]  # resets the state for the next sweep's listing

    def advance(self, state: State, cursor: Any) -> bool:
        """Move to the next page; False at the end or when the cursor repeats (an API
        that hands back a used cursor would otherwise loop for ever)."""
        used: list[str] = list(state.get("used", []))
        if (
            not isinstance(cursor, str)
            or not cursor
            or cursor in used
            or cursor == state.get(self.cursor_key)
        ):
            return False
        state["used"] = [*used, cursor]
        state[self.cursor_key] = cursor
        return True

    def watch(self, watched: list[str], item_id: str) -> None:
        """Put a newly listed item at the head of the watch list (newest first)."""
        if item_id not in watched:
            watched.insert(0, item_id)

    def listed(self, state: State, page: Page, watched: list[str], next_cursor: Any) -> Page:
        """End of one listing page: keep the newest ``watch_max`` items (and only their
        marks), then go on listing or turn to their comments."""
        state[self.watch_key] = watched[: self.watch_max]
        marks = state.get("marks", {})
        state["marks"] = {k: v for k, v in marks.items() if k in state[self.watch_key]}
        if self.advance(state, next_cursor):
            page.done = False
        else:
            state.update(phase="comments", queue=list(state[self.watch_key]), used=[])
            state[self.cursor_key] = None
            self._finish(state, page)
        page.cursor = state
        return page

    def next_item(self, state: State, page: Page, item_id: str, mark: Any) -> Page:
        """The comments of the queue's head are read: remember its mark (the newest
        comment seen, when there is one) and move to the next item, or end the sweep."""
        if mark:
            state.setdefault("marks", {})[item_id] = mark
        state.update(queue=state["queue"][1:], used=[], pending_mark=None)
        state[self.cursor_key] = None
        self._finish(state, page)
        page.cursor = state
        return page

    def _finish(self, state: State, page: Page) -> None:
        page.done = not state["queue"]
        if page.done:
            self.end(state)
