"""The ``[pipeline]`` table, typed: every key a stage reads, its type and its default.

This is the one list of the pipeline's settings and the one place of their defaults:
:meth:`PipelineOptions.from_table` checks a table (from the file, a mode preset, the
CLI) and refuses an unknown key or a value of another type with an error naming where
it came from and the key; stages read ``ctx.options.<key>``
(:attr:`socialhub.pipeline.base.Context.options`) instead of ``settings.get(key,
default)`` with a default of their own.

>>> PipelineOptions.from_table({"dedup_window": 10}).dedup_window
10
>>> PipelineOptions.from_table({"dedup_widow": 10}, where="hub.toml: [pipeline]")
Traceback (most recent call last):
...
ValueError: hub.toml: [pipeline]: unknown key dedup_widow
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from socialhub.i18n import M_
from socialhub.pydantic_text import lower_first
from socialhub.pydantic_text import problem as pydantic_problem

# keys the chain itself sets at build time (never written in a file)
RUNTIME_KEYS = frozenset({"pipeline_stages"})
# read by the process wiring, not by a stage
SERVICE_KEYS = frozenset({"catch_up_backlog", "ack_wait", "enrichers"})


class PipelineOptions(BaseModel):
    """Every ``[pipeline]`` key with its type and default (TOML integers pass as floats)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    mode: Literal["full", "fast"] = "full"
    catch_up_backlog: int = 2_000  # mentions waiting on the bus above which "fast" runs
    ack_wait: float = 60.0  # seconds a batch may stay unacked before redelivery
    # sentiment
    sentiment_mode: str = "auto"  # fast | accurate | auto | off (the stage checks it)
    sentiment_auto_budget: int = 64  # encoder calls per batch in "auto"
    # embeddings (shared by sentiment, categories, relevance)
    embedding_cache_size: int = 20_000
    encoder_threads: int | None = None
    prefetch_enabled: bool = True
    # categories
    categories_method: str = "encoder"  # or "hashed" (the stage checks it)
    categories_max: int = 3
    categories_refresh_seconds: float = 30.0
    # brand voice (official accounts, per-author templates)
    voice_template_min: int = 3  # near-duplicates by one author that make a template; 0: off
    voice_refresh_seconds: float = 30.0
    voice_max_authors: int = 50_000  # author x cluster counters kept
    # dedup, near-duplicates, routing, relevance
    dedup_window: int = 200_000
    neardup_num_perm: int = 128
    neardup_bands: int = 32
    neardup_threshold: float = 0.5
    neardup_min_tokens: int = 5
    neardup_max_clusters: int = 50_000
    route_refresh_seconds: float = 10.0
    drop_unmatched: bool = False
    relevance_refresh_seconds: float = 30.0
    # language
    language_override: bool = False
    language_threshold: float = 0.5
    language_lingua_threshold: float = 0.5
    language_lingua_languages: tuple[str, ...] | list[str] | str = (  # or "fr,en"
        "fr", "en", "es", "de", "it", "pt", "ar", "nl",
    )  # fmt: skip
    language_short_words: int = 6
    language_max_chars: int = 1_000
    # entities, keyphrases, places, authors
    entities_ner: bool = True
    entities_model: str = "fr_core_news_sm"
    entities_ner_max_chars: int = 3_000  # NER reads only the head of long texts
    entities_refresh_seconds: float = 10.0
    keyphrases_method: str = "yake"  # or "fast" (the stage checks it)
    keyphrases_top_k: int = 5
    keyphrases_max_ngram: int = 3
    keyphrases_max_chars: int = 5_000
    places_min_population: int = 15_000
    places_min_confidence: float = 0.5
    places_country_confidence: float = 0.8
    authors_followers_ref: float = 10_000_000
    authors_engagement_ref: float = 100_000
    authors_reach_weight: float = 0.7
    authors_verified_bonus: float = 0.05

    @classmethod
    def from_table(cls, table: Mapping[str, Any], *, where: str = "[pipeline]") -> PipelineOptions:
        """The table checked: ``ValueError`` naming ``where`` and the first bad key."""
        given = {k: v for k, v in table.items() if k not in RUNTIME_KEYS and k != "enrichers"}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            raise table_error(exc, where, given) from None

    @classmethod
    def keys(cls) -> list[str]:
        return list(cls.model_fields)


def table_error(
    exc: ValidationError, where: str, given: Mapping[str, Any] | None = None
) -> ValueError:
    """The first problem of a typed settings table, translatable, naming ``where`` and the
    key (``[detect]`` too). With ``given``, the key is the top-level one and its value is
    quoted; without, the full dotted path of a nested key."""
    err = exc.errors()[0]
    loc = err["loc"][:1] if given is not None else err["loc"]
    key = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        return ValueError(M_("%(where)s: unknown key %(key)s", where=where, key=key))
    problem = lower_first(pydantic_problem(err))  # pydantic's words, translatable
    if given is None:
        return ValueError(
            M_("%(where)s: %(key)s: %(problem)s", where=where, key=key, problem=problem)
        )
    return ValueError(
        M_(
            "%(where)s: %(key)s: %(problem)s, not %(value)r",
            where=where,
            key=key,
            problem=problem,
            value=given.get(key),
        )
    )
