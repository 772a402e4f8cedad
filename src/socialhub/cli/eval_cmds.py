"""`socialhub eval ...`: measure the shipped models on labelled data.

Each sub-command is a plain function on :data:`app`, so other modules may add theirs
(``eval relevance``) without touching this file's commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from socialhub.cli.common import JsonOption, console, out, print_json
from socialhub.i18n import N_, _, format_number

app = typer.Typer(help="Evaluate the models on labelled data.", no_args_is_help=True)

MODELS = ("fast", "accurate", "lexicon")


def _sentiment_model(name: str) -> Any:
    if name == "fast":
        from socialhub.enrichers.sentiment import load_fast

        return load_fast()
    if name == "accurate":
        from socialhub.enrichers.sentiment import load_accurate

        return load_accurate()
    from socialhub.enrichers.sentiment.lexicon import VaderBaseline

    return VaderBaseline()


# the challenge set's phenomena (enrichers/sentiment/challenge.py), as a person reads them
PHENOMENA = (N_("complaint"), N_("sarcasm"), N_("negation"), N_("emoji"), N_("clear"))


def _score(metrics: dict[str, Any], key: str) -> str:
    """A percentage, or a dash when the set does not report it (never a made-up 0.0)."""
    value = metrics.get(key)
    return "—" if value is None else _pct(value)


def _pct(value: float) -> str:
    """A score with one decimal, in the reader's number format ("71,0" in French)."""
    return format_number(value, 1)


def _confusion(labels: list[str], matrix: list[list[int]]) -> Table:
    table = Table(_("truth \\ predicted"), *(_(label) for label in labels))
    for label, row in zip(labels, matrix, strict=True):
        table.add_row(_(label), *(str(v) for v in row))
    return table


@app.command("sentiment")
def sentiment(
    data: Annotated[
        Path, typer.Option("--data", help="Shared data root (or its sentiment folder).")
    ],
    split: Annotated[str, typer.Option(help="val (default) or train.")] = "val",
    model: Annotated[str, typer.Option(help="fast, accurate or lexicon (VADER).")] = "fast",
    limit: Annotated[int, typer.Option(help="At most this many rows per split (0: all).")] = 0,
    json: JsonOption = False,
) -> None:
    """Accuracy, macro-F1 and macro-recall per language, with confusion matrices."""
    from socialhub.enrichers.sentiment.evaluate import evaluate

    if model not in MODELS:
        console.print(f"[red]--model must be one of {', '.join(MODELS)}[/]")
        raise typer.Exit(2)
    if split not in ("val", "train"):
        console.print("[red]--split must be val or train[/]")
        raise typer.Exit(2)
    # the lexicon baseline only has French and English lexicons
    langs = ["fr", "en"] if model == "lexicon" else None
    data = _data_root(data)
    try:
        report = evaluate(
            _sentiment_model(model), data, split=split, langs=langs, limit=limit or None
        )
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    report["model"] = model
    if json:
        print_json(report)
        return
    table = Table(
        _("set"), "n", _("accuracy"), "macro-F1", _("macro-recall"),
        title=_("sentiment (%(model)s)") % {"model": model},
    )  # fmt: skip
    for name, m in report.items():
        if isinstance(m, dict) and "accuracy" in m and "n" in m:
            table.add_row(
                name, str(m["n"]), _pct(m['accuracy']), _score(m, "macro_f1"),
                _score(m, "macro_recall"),
            )  # fmt: skip
    mean = report["xlmt_mean"]
    table.add_row(_("xlmt mean"), "", _pct(mean['accuracy']), _pct(mean['macro_f1']),
                  _pct(mean['macro_recall']))  # fmt: skip
    out.print(table)
    for name, m in report.items():
        if isinstance(m, dict) and "confusion" in m:
            out.print(f"[bold]{name}[/]")
            out.print(_confusion(m["labels"], m["confusion"]))
    if "challenge" in report:
        kinds = report["challenge"]["per_phenomenon"]  # % right per phenomenon
        shown = ", ".join(f"{_(kind)} {_pct(value)}" for kind, value in kinds.items())  # PHENOMENA
        out.print(_("challenge set, %% right by phenomenon: %(kinds)s") % {"kinds": shown})


@app.command("categories")
def categories(
    data: Annotated[
        Path, typer.Option("--data", help="JSON lines: {text, lang, categories: [names]}.")
    ],
    json: JsonOption = False,
) -> None:
    """Micro / macro F1 of the default categories on a labelled JSON-lines file."""
    from socialhub.enrichers.categories.evaluate import evaluate, read_jsonl
    from socialhub.enrichers.categories.model import (
        CategoryModel,
        background_examples,
        default_categories,
        load_default_vectors,
    )
    from socialhub.enrichers.embedding import E5Embedder

    try:
        rows = read_jsonl(data)
    except (OSError, ValueError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    embedder = E5Embedder()
    embedder.pin(load_default_vectors())
    model = CategoryModel(default_categories(), background_examples(), embedder)
    report = evaluate(model, rows)
    report["calibration"] = {"temperature": model.temperature, "min_prob": model.min_prob}
    if json:
        print_json(report)
        return
    table = Table(
        _("category"), _("support"), _("precision"), _("recall"), "F1", title=_("categories")
    )  # fmt: skip
    for name, m in report["per_category"].items():
        table.add_row(
            name, str(m["support"]), _pct(m["precision"]), _pct(m["recall"]), _pct(m["f1"])
        )
    out.print(table)
    out.print(
        _(
            "n=%(n)s  micro-F1 %(micro)s  macro-F1 %(macro)s  exact match %(exact)s"
            "  no-category correct %(none)s"
        )
        % {
            "n": report["n"],
            "micro": _pct(report["micro_f1"]),
            "macro": _pct(report["macro_f1"]),
            "exact": _pct(report["exact_match"]),
            "none": "—" if report["none_correct"] is None else _pct(report["none_correct"]),
        }
    )
    for lang, m in report["by_lang"].items():
        out.print(
            f"  {lang}: n={m['n']} micro-F1 {_pct(m['micro_f1'])} macro-F1 {_pct(m['macro_f1'])}"
        )


def _data_root(data: Path) -> Path:
    """``--data`` as given, or the usual shared-data places when it does not exist."""
    if data.is_dir():
        return data
    from socialhub.shared_data import shared_data_dir

    found = shared_data_dir()
    if found.is_dir():
        msg = _("%(given)s not found: using %(found)s")
        console.print(msg % {"given": escape(str(data)), "found": escape(str(found))})
        return found
    return data


@app.command("language")
def language(
    data: Annotated[
        Path, typer.Option("--data", help="Shared data root (or its sentiment folder).")
    ],
    preset: Annotated[str, typer.Option(help="full (live stream) or fast (imports).")] = "full",
    limit: Annotated[int, typer.Option(help="At most this many tweets per set (0: all).")] = 0,
    json: JsonOption = False,
) -> None:
    """Right / und / wrong per language, on whole tweets and on their first five words."""
    from socialhub.enrichers.language import shared_language_id
    from socialhub.enrichers.language_eval import evaluate
    from socialhub.pipeline.base import Context
    from socialhub.pipeline.chain import MODES

    if preset not in ("full", "fast"):
        console.print("[red]" + _("--preset must be full or fast") + "[/]")
        raise typer.Exit(2)
    settings = dict(MODES["fast"]) if preset == "fast" else {}
    lid = shared_language_id(Context(None, settings, {}))
    try:
        report = evaluate(lid.detect, _data_root(data), limit=limit or None)
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    report["preset"] = preset
    if json:
        print_json(report)
        return
    table = Table(
        _("set"), "n", _("whole: right"), "und", _("wrong"), _("short: right"), "und", _("wrong"),
        title=_("language (%(preset)s; short = first %(n)s words)")
        % {"preset": preset, "n": report["short_words"]},
    )  # fmt: skip
    for name, m in report.items():
        if isinstance(m, dict) and "whole" in m:
            w, s = m["whole"], m["short"]
            n = str(w.get("n", ""))
            table.add_row(
                name, n, _pct(w['right']), _pct(w['und']), _pct(w['wrong']),
                _pct(s['right']), _pct(s['und']), _pct(s['wrong']),
            )  # fmt: skip
    out.print(table)
    out.print(_("%(n)s texts/s") % {"n": report["texts_per_s"]})
