"""Watchlist targets: monitor a list's accounts without keywords (journalists, MPs...).

A ``[[source]]`` target ``{ kind = "watchlist", value = "mirabelle-com/Journalistes" }``
(or just ``"Journalistes"`` for that list in every workspace) becomes one ``timeline``
target per member of the list on the source's platform, read from the store when the
source is built; ``match_query`` defaults to ``list:<name>``.
"""

from __future__ import annotations

from socialhub.connectors.base import Target
from socialhub.store.base import WorkspaceStore
from socialhub.text import norm_handle


def expand_watchlists(targets: list[Target], repo: WorkspaceStore, platform: str) -> list[Target]:
    """``targets`` with each ``watchlist`` target replaced by its members' timelines."""
    out: list[Target] = []
    seen: set[str] = set()
    for target in targets:
        if target.kind != "watchlist":
            out.append(target)
            continue
        slug, _, name = target.value.rpartition("/")
        workspaces = {ws.id: ws.slug for ws in repo.list_workspaces()}
        for wl in repo.list_watchlists():
            if wl.name.lower() != name.lower() or (
                slug and workspaces.get(wl.workspace_id) != slug
            ):
                continue
            for member in wl.members:
                handle = norm_handle(member.handle)
                if member.platform not in ("", platform) or not handle or handle in seen:
                    continue
                seen.add(handle)
                out.append(
                    Target(
                        "timeline",
                        member.handle.lstrip("@"),
                        target.match_query or f"list:{wl.name}",
                        dict(target.options),
                    )
                )
    return out
