"""`socialhub eval sentiment|language` on a small slice of the real shared data (issue 18).

The full runs print the numbers the model cards quote (docs/models/sentiment.md,
docs/models/language.md); here each set is cut to its first rows so the test stays
short, and the JSON's shape and plausibility are checked.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.shared_data import shared_data_dir

runner = CliRunner()
DATA = str(shared_data_dir())


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["eval", *args, "--data", DATA, "--json"])
    assert result.exit_code == 0, result.output
    report: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return report


def test_eval_sentiment_fast_on_a_slice() -> None:
    report = run_json("sentiment", "--model", "fast", "--limit", "60")
    assert report["model"] == "fast"
    for name in (
        "xlmt/french/val",
        "xlmt/english/val",
        "tweeteval_val",
        "semeval_en/2016devtest",
        "semeval_en/2014sarcasm",
        "allocine_fr",
    ):
        assert report[name]["n"] == 60, name
        assert 0 <= report[name]["macro_recall"] <= 100
    # far from chance even on 60 tweets (measured on the full sets: model card)
    assert report["xlmt/french/val"]["macro_f1"] >= 45
    assert report["semeval_en/2016devtest"]["macro_recall"] >= 45
    assert set(report["questions"]["predicted"]) == {"negative", "neutral", "positive"}
    assert report["challenge"]["n"] >= 38


def test_eval_sentiment_rejects_an_unknown_model() -> None:
    result = runner.invoke(app, ["eval", "sentiment", "--data", DATA, "--model", "nope"])
    assert result.exit_code == 2


def test_eval_language_fast_preset_on_a_slice() -> None:
    report = run_json("language", "--preset", "fast", "--limit", "50")
    assert report["preset"] == "fast" and report["short_words"] == 5
    english = report["semeval_en/2016test"]
    assert english["whole"]["n"] == 50
    assert english["whole"]["right"] >= 90
    assert english["short"]["und"] <= 10
    assert report["xlmt/fr"]["whole"]["right"] >= 90
    assert report["texts_per_s"] > 0


def test_eval_sentiment_table_has_the_challenge_macro_f1() -> None:
    result = runner.invoke(
        app, ["eval", "sentiment", "--data", DATA, "--model", "fast", "--limit", "30"]
    )
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "challenge" in line and "│" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    accuracy, macro_f1 = float(cells[2]), float(cells[3])
    assert accuracy > 0 and 0 < macro_f1 <= 100, row


def test_eval_sentiment_reads_french_to_a_french_reader() -> None:
    result = runner.invoke(
        app,
        ["eval", "sentiment", "--data", DATA, "--model", "fast", "--limit", "30"],
        env={"SOCIALHUB_LOCALE": "fr"},
    )
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "challenge" in line and "│" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert "," in cells[2] and "." not in cells[2], row  # "71,0", not "71.0"
    assert "réel \\ prédit" in result.output and "négatif" in result.output
    assert "moyenne xlmt" in result.output and "negative" not in result.output


def test_relevance_scores_and_headings_in_the_readers_format() -> None:
    """`socialhub eval relevance` printed "0.927" and English headings to a French reader."""
    from socialhub.cli.relevance_cmds import _fmt
    from socialhub.i18n import use_locale

    with use_locale("fr"):
        assert _fmt(0.9271) == "0,927" and _fmt(None) == "-"
    with use_locale("en"):
        assert _fmt(0.9271) == "0.927"
