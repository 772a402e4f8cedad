"""Stories: mentions grouped by what they are about, with an explained importance."""

from socialhub.analytics.stories.engine import StoryEngine, StoryParams

__all__ = ["StoryEngine", "StoryParams"]
