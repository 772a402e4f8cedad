"""Stories: mentions grouped by what they are about, with an explained importance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialhub.analytics.stories.engine import StoryEngine, StoryParams

__all__ = ["StoryEngine", "StoryParams"]


def __getattr__(name: str) -> Any:
    # the engine needs numpy; the alert commands only read importance: load it on demand
    if name in __all__:
        from socialhub.analytics.stories import engine

        return getattr(engine, name)
    raise AttributeError(name)
