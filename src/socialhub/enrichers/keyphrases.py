"""The ``keyphrases`` stage: picks the YAKE extractor (:mod:`.keyphrases_yake`) or the
fast one for bulk work (:mod:`.keyphrases_fast`) from the settings.

Both extractors key phrases by :func:`socialhub.text.phrase_key`, so downstream
counts group equal phrases whichever extractor wrote them.
"""

from __future__ import annotations

from typing import ClassVar

from socialhub.enrichers.keyphrases_fast import FastKeyphraseExtractor
from socialhub.enrichers.keyphrases_yake import KeyphraseExtractor
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured

__all__ = ["Keyphrases"]


class Keyphrases(BaseEnricher):
    """Stage ``keyphrases``: fills ``Mention.keyphrases`` (readable forms, best first).

    Settings: ``keyphrases_top_k`` (5), ``keyphrases_max_ngram`` (3),
    ``keyphrases_max_chars`` (5,000), ``keyphrases_method`` (``yake``, or ``fast`` for
    bulk work: see :mod:`socialhub.enrichers.keyphrases_fast`).
    """

    name: ClassVar[str] = "keyphrases"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        s = ctx.options
        method = s.keyphrases_method
        if method not in ("yake", "fast"):
            raise NotConfigured(f"keyphrases_method must be yake or fast, not {method!r}")
        if method == "fast":
            kind: type[KeyphraseExtractor] = FastKeyphraseExtractor
        else:
            kind = KeyphraseExtractor
        try:
            self.extractor = kind(
                top_k=s.keyphrases_top_k,
                max_ngram=s.keyphrases_max_ngram,
                max_chars=s.keyphrases_max_chars,
            )
        except ImportError as exc:
            raise NotConfigured(f"yake is not installed: {exc}") from exc

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        for m in batch:
            m.keyphrases = self.extractor.extract(m.text, m.lang)
        return list(batch)
