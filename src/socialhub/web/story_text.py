"""A story's or alert's importance explanation in the reader's language.

Moved down to :mod:`socialhub.reports.reasons` so the digest (reports layer) shows the
same localised reasons as the alerts API and the story pages; re-exported here for the
web modules that import it.
"""

from __future__ import annotations

from socialhub.reports.reasons import COMPONENTS, localise_parts, localise_reason

__all__ = ["COMPONENTS", "localise_parts", "localise_reason"]
