"""`socialhub detect --input STREAM.jsonl`: replay a stream through the detectors.

Each line is either a full mention as ``socialhub.serialize`` writes it (with
``platform`` and ``native_id``; its enrichment is used as is) or a plain record with
``id``, ``text``, ``created_at`` and optionally ``author``, ``lang``, ``platform``,
``query_ids``, ``sentiment_label``. Lines are replayed in ``created_at`` order on the
stream's own clock; each signal is printed with the stream time at which it fired.

Routing: with ``--queries FILE.toml`` (a configuration such as
``examples/telecom.toml``) mentions are routed to its queries with the streaming
matcher (query ids are numbered from 1 in file order) and the per-workspace keys
follow. Without it, mentions that carry no ``query_ids`` count as one query, ``0``
("stream"), so a plain file is watched as a whole.

``--enrich`` runs the light enrichment stages first (language, places, fast
sentiment); categories (encoder-bound) stay off and the complaint detector then uses
its keyword fallback.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.text import Text

from socialhub.analytics.detectors.runner import DetectorSet
from socialhub.cli.common import JsonOption, console, human_locale, out
from socialhub.cli.enrich_cmd import to_mention
from socialhub.i18n import M_, _, format_number, localised
from socialhub.models import Mention
from socialhub.records.signals import Signal
from socialhub.serialize import mention_from_dict

LIGHT_STAGES: dict[str, int | None] = {"language": 200, "places": 750, "sentiment": 800}
SKIPPED_SHOWN = 10  # skipped lines named one by one; the others are only counted


def _looks_like_csv(raw: bytes) -> bool:
    """A first line that is a CSV header rather than JSON (the usual wrong file)."""
    text = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
    return bool(text) and text[0] not in "{[" and any(c in text for c in ",;\t")


def read_stream(lines: Iterator[bytes]) -> tuple[list[Mention], int]:
    """Mentions of a JSONL stream and the number of lines that could not be read."""
    mentions: list[Mention] = []
    bad = 0
    csv_header = False
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if not mentions and not bad and _looks_like_csv(raw):
            csv_header = True
        try:
            obj = orjson.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError(M_("a line must be a JSON object"))
            if "platform" in obj and "native_id" in obj:
                m = mention_from_dict(obj)
            else:
                if not obj.get("created_at"):
                    raise ValueError(M_("missing 'created_at' (a replay needs the stream time)"))
                m = to_mention(obj, n)
                m.query_ids = [int(q) for q in obj.get("query_ids") or []]
                label = obj.get("sentiment_label") or (obj.get("sentiment") or {}).get("label")
                m.sentiment_label = str(label) if label else None
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
            bad += 1
            if bad <= SKIPPED_SHOWN:
                error = localised(exc)
                if isinstance(exc, orjson.JSONDecodeError):
                    error = _("invalid JSON")
                console.print(
                    Text(_("line %(n)s skipped: %(error)s") % {"n": n, "error": error}, "yellow")
                )
            continue
        mentions.append(m)
    if bad > SKIPPED_SHOWN:
        console.print(
            Text(
                _("… and %(n)s more skipped line(s)") % {"n": format_number(bad - SKIPPED_SHOWN)},
                "yellow",
            )
        )
    if csv_header and not mentions:
        console.print(
            Text(
                _(
                    "This file looks like CSV: `socialhub detect` reads JSONL (one JSON object"
                    " per line). Import the CSV with `socialhub import FILE` and replay it with"
                    " `socialhub backtest --workspace SLUG --since DATE`."
                ),
                "red",
            )
        )
    mentions.sort(key=lambda m: m.created_at)  # stable: ties keep file order
    return mentions, bad


class Router:
    """A configuration's queries and watchlists, applied as the hub's routing stage does
    (:mod:`socialhub.enrichers.routing`): query ids, then the watchlists of the author
    in the matched queries' workspaces."""

    def __init__(self, path: Path) -> None:
        from socialhub.analytics.stories.generic import generic_words
        from socialhub.config import load_config
        from socialhub.enrichers.routing import watchlist_index
        from socialhub.models import Watchlist
        from socialhub.query import parse
        from socialhub.query.matcher import Matcher

        cfg = load_config(path)
        queries = []
        watchlists: list[Watchlist] = []
        self.workspaces: dict[int, int] = {}
        self.labels: dict[str, str] = {}
        # the tags naming each workspace's subject, which lead to no story
        self.generic: dict[int, frozenset[str]] = {}
        qid = 0
        for wi, ws in enumerate(cfg.workspaces, start=1):
            self.labels[f"workspace:{wi}"] = ws.name
            self.generic[wi] = generic_words([q.definition for q in ws.queries], ws.settings)
            for q in ws.queries:
                qid += 1
                queries.append((qid, wi, parse(q.definition)))
                self.workspaces[qid] = wi
                self.labels[f"query:{qid}"] = q.name
            for wl in ws.watchlists:
                watchlists.append(Watchlist(wi, wl.name, wl.list_type, wl.description,
                                            list(wl.members), notify=wl.notify,
                                            min_severity=wl.min_severity))  # fmt: skip
        self.watchlists = watchlists
        self.list_types = {wl.name: wl.list_type for wl in watchlists}
        lists, self.authors = watchlist_index(watchlists)
        self.matcher = Matcher(queries, watchlists=lists)

    def route(self, m: Mention) -> None:
        from socialhub.enrichers.routing import author_lists

        m.query_ids = m.query_ids or self.matcher.match(m)
        if m.author is not None and not m.watchlists:
            m.watchlists = author_lists(m, self.authors, self.workspaces)


def signal_line(s: Signal) -> str:
    """One signal for a person: its stream time, detector, severity, trend, key and
    title, the words in the reader's language (``--json`` keeps the stored English)."""
    from socialhub.alerts.titles import localise_title

    when = s.t.strftime("%Y-%m-%d %H:%M:%S")
    trend = _(s.trend) if s.trend else ""
    title = localise_title(s.detector, s.title)
    return f"{when}  {s.detector:<15} {_('sev')} {s.severity:>2}  {trend:<12} {s.key}  {title}"


def detect(
    input: Annotated[
        Path, typer.Option("--input", "-i", help="JSONL stream ('-' for standard input).")
    ],
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="TOML detector settings ([detectors.NAME] tables)."),
    ] = None,
    queries: Annotated[
        Path | None,
        typer.Option(
            "--queries",
            help="Route mentions to this configuration's queries; tag authors with its watchlists.",
        ),
    ] = None,
    enrich: Annotated[
        bool, typer.Option("--enrich", help="Run language, places and fast sentiment first.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Replay a timestamped stream through the detectors on its own clock."""
    human_locale()  # no database here: the language is set without store_from
    settings: dict[str, Any] = {}
    if config is not None:
        try:
            doc = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            console.print(
                Text(_("cannot read %(file)s: %(error)s") % {"file": config, "error": exc}, "red")
            )
            raise typer.Exit(2) from exc
        settings = dict(doc.get("detect", doc))
    try:
        if str(input) == "-":
            mentions, bad = read_stream(iter(sys.stdin.buffer))
        else:
            with input.open("rb") as fh:
                mentions, bad = read_stream(iter(fh))
    except OSError as exc:
        console.print(
            Text(_("cannot read %(file)s: %(error)s") % {"file": input, "error": exc}, "red")
        )
        raise typer.Exit(2) from exc
    if enrich and mentions:
        from socialhub.pipeline.base import Context
        from socialhub.pipeline.chain import Pipeline

        pipe = Pipeline.from_settings(Context(None, {"sentiment_mode": "fast"}), LIGHT_STAGES)
        for i in range(0, len(mentions), 1000):
            pipe.process(mentions[i : i + 1000])
        pipe.close()
    if queries is not None:
        routes = Router(queries)
        for m in mentions:
            routes.route(m)
        settings.setdefault("workspaces", routes.workspaces)
        settings.setdefault("labels", routes.labels)
        settings.setdefault("lists", routes.list_types)
    else:
        for m in mentions:
            m.query_ids = m.query_ids or [0]
        settings.setdefault("labels", {"query:0": "stream"})
    try:
        detectors = DetectorSet.from_config(settings)
    except (TypeError, ValueError) as exc:
        console.print(
            Text(_("bad detector settings: %(error)s") % {"error": localised(exc)}, "red")
        )
        raise typer.Exit(2) from exc
    if queries is not None:
        for det in detectors.detectors.values():
            if hasattr(det, "generic"):  # the story engine, as the live service wires it
                det.generic = routes.generic
    count = 0
    if json:
        sys.stdout.write("[")
    for sig in detectors.run(mentions):
        if json:  # a JSON array, one signal per line
            sep = "\n" if count == 0 else ",\n"
            sys.stdout.write(sep + orjson.dumps(sig.to_dict(), default=str).decode())
        else:
            out.print(escape(signal_line(sig)), soft_wrap=True, highlight=False)
        count += 1
    if json:
        sys.stdout.write("\n]\n" if count else "]\n")
    sys.stdout.flush()
    span = _("empty")
    if mentions:
        first, last = mentions[0].created_at, mentions[-1].created_at
        span = f"{first:%Y-%m-%d %H:%M} → {last:%Y-%m-%d %H:%M}"
    console.print(
        Text(
            _("%(n)s mentions replayed (%(span)s), %(bad)s line(s) skipped, %(count)s signal(s).")
            % {"n": len(mentions), "span": span, "bad": bad, "count": count}
        )
    )
    if not count:
        console.print(escape(why_no_signal(mentions, detectors)))


def _hm(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def why_no_signal(mentions: list[Mention], detectors: DetectorSet) -> str:
    """Why a replay gave no signal, in words (the stream is too short, or quiet)."""
    if not mentions:
        return _("No signal: the stream is empty.")
    span = (mentions[-1].created_at - mentions[0].created_at).total_seconds()
    warmups = [
        float(w)
        for det in detectors.detectors.values()
        if (w := getattr(getattr(det, "params", None), "warmup", None)) is not None
    ]
    need = max(warmups, default=0.0)
    if span < need:
        return _("No signal: the baselines need %(need)s of history, the stream has %(span)s.") % {
            "need": _hm(need),
            "span": _hm(span),
        }
    return _(
        "No signal: %(n)s mentions over %(span)s stayed within the usual volume and tone"
        " (no burst, no shift, no listed voice)."
    ) % {"n": format_number(len(mentions)), "span": _hm(span)}
