"""The lexicon baseline the trained models are measured against (evaluation only).

VADER (Hutto & Gilbert 2014, ``vaderSentiment``, MIT) for English and its French
adaptation ``vaderSentiment-fr`` for French, with VADER's own thresholds: compound
``>= 0.05`` positive, ``<= -0.05`` negative, else neutral; the score is the compound.
Both load their lexicons from files inside their wheels, so they work offline. Other
languages fall back to the English lexicon (meaningless; the report restricts the
baseline to ``fr`` and ``en``).
"""

from __future__ import annotations

import warnings
from typing import Any

THRESHOLD = 0.05


class VaderBaseline:
    """``classify(texts, langs)`` like a ``SentimentModel``, from VADER lexicons."""

    name = "lexicon"

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # vaderSentiment-fr imports fuzzywuzzy, which warns when python-Levenshtein
            # is missing; the pure-Python fallback is fine for a baseline.
            warnings.simplefilter("ignore")
            try:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as English
                from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer as French
            except ImportError as exc:  # an evaluation baseline: only the [dev] extra has it
                raise RuntimeError(
                    "the lexicon baseline needs the dev extra: pip install 'socialhub[dev]'"
                ) from exc
        self._en: Any = English()
        self._fr: Any = French()

    def classify(self, texts: list[str], langs: list[str] | None = None) -> list[tuple[str, float]]:
        """``(label, compound)`` per text; ``langs`` picks the lexicon (default English)."""
        out: list[tuple[str, float]] = []
        for i, text in enumerate(texts):
            analyzer = self._fr if langs is not None and langs[i] == "fr" else self._en
            compound = float(analyzer.polarity_scores(text or "")["compound"])
            if compound >= THRESHOLD:
                label = "positive"
            elif compound <= -THRESHOLD:
                label = "negative"
            else:
                label = "neutral"
            out.append((label, compound))
        return out
