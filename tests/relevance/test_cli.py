"""`relevance label|train|status` and `eval relevance` through a small Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from socialhub.cli import relevance_cmds
from socialhub.store.base import Store

from .helpers import add_mentions, corpus, setup_query

runner = CliRunner()
app = typer.Typer()
app.add_typer(relevance_cmds.app, name="relevance")
eval_app = typer.Typer()
eval_app.command("relevance")(relevance_cmds.eval_relevance)
app.add_typer(eval_app, name="eval")


def test_label_train_status(store: Store, tmp_path: Path) -> None:
    query = setup_query(store)
    assert query.id is not None
    data = corpus(24)
    add_mentions(store, query, [t for t, _ in data])
    db = ["--db", store.url]

    one = runner.invoke(
        app, ["relevance", "label", str(query.id), "--mention", "x:0", "--relevant", *db]
    )
    assert one.exit_code == 0, one.output
    rows = "mention_id,label\n" + "".join(
        f"x:{i},{'yes' if lab else 'no'}\n" for i, (_, lab) in enumerate(data[1:20], start=1)
    )
    (tmp_path / "labels.csv").write_text(rows, encoding="utf-8")
    many = runner.invoke(
        app,
        [
            "relevance",
            "label",
            "Marque Mirabelle",
            "--from-csv",
            str(tmp_path / "labels.csv"),
            "--json",
            *db,
        ],
    )
    assert many.exit_code == 0, many.output
    assert json.loads(many.stdout) == {"query_id": query.id, "labelled": 19}
    assert store.relevance.relevance_label_counts() == {query.id: (10, 10)}

    unknown = runner.invoke(
        app, ["relevance", "label", "1", "--mention", "x:999", "--relevant", *db]
    )
    assert unknown.exit_code != 0 and "not in the database" in unknown.output

    trained = runner.invoke(app, ["relevance", "train", str(query.id), "--json", *db])
    assert trained.exit_code == 0, trained.output
    result = json.loads(trained.stdout)["trained"][0]
    assert result["version"] == 1 and result["n_labels"] == 20
    assert 0.0 <= result["precision"] <= 1.0 and result["f1"] > 0.8

    status = runner.invoke(app, ["relevance", "status", "--json", *db])
    assert status.exit_code == 0, status.output
    [row] = json.loads(status.stdout)["queries"]
    assert row["labels_relevant"] == 10 and row["labels_not_relevant"] == 10
    assert row["model_version"] == 1 and row["mode"] == "model" and row["mentions"] == 24
    table = runner.invoke(app, ["relevance", "status", *db])
    assert table.exit_code == 0 and "Marque" in table.stdout and "v1" in table.stdout


def test_interactive_label_renders_text_not_markup(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    add_mentions(store, query, ["[bold red]Mirabelle[/] box en panne", "Mirabelle fruit du verger"])
    result = runner.invoke(
        app, ["relevance", "label", str(query.id), "--db", store.url], input="y\nn\n"
    )
    assert result.exit_code == 0, result.output
    assert "[bold red]Mirabelle[/]" in result.stdout  # shown literally
    assert "2 label(s) saved" in result.stdout
    labels = {lab.mention_id: lab.label for lab in store.relevance.list_labels(query.id)}
    assert sorted(labels.values()) == [False, True]
    # everything labelled: nothing left to propose
    again = runner.invoke(app, ["relevance", "label", str(query.id), "--db", store.url])
    assert again.exit_code == 0 and "nothing left to label" in again.stdout


def test_train_needs_both_classes(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    add_mentions(store, query, ["Mirabelle box"])
    runner.invoke(
        app, ["relevance", "label", "1", "--mention", "x:0", "--relevant", "--db", store.url]
    )
    result = runner.invoke(app, ["relevance", "train", "1", "--db", store.url])
    assert result.exit_code == 1
    assert store.relevance.load_relevance_model(query.id) is None


def _write_event(root: Path, name: str, n: int) -> None:
    """A CrisisLexT26-format file (header with leading spaces, as in the release)."""
    lines = ["Tweet ID, Tweet Text, Information Source, Information Type, Informativeness"]
    for i in range(n):
        if i % 3 == 0:
            text, label = (
                f"Flood waters rising near the bridge, evacuate now {i}",
                "Related and informative",
            )
        elif i % 3 == 1:
            text, label = (
                f"Thoughts with everyone hit by the flood {i}",
                "Related - but not informative",
            )
        else:
            text, label = f"New sneakers on sale this weekend only {i}", "Not related"
        lines.append(f'"{1000 + i}","{text}",Not labeled,Not labeled,{label}')
    lines.append('"9999","Retweet this",Not labeled,Not labeled,Not applicable')
    folder = root / name
    folder.mkdir(parents=True)
    (folder / f"{name}-tweets_labeled.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_eval_relevance_learning_curve(tmp_path: Path) -> None:
    _write_event(tmp_path, "2099_Testville_floods", 90)
    _write_event(tmp_path, "2099_Otherton_floods", 60)
    result = runner.invoke(
        app,
        [
            "eval",
            "relevance",
            "--data",
            str(tmp_path),
            "--sizes",
            "20,40",
            "--repeats",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    event = report["events"]["2099_Testville_floods"]
    assert event["tweets"] == 90 and event["not_relevant"] == 30  # "Not applicable" dropped
    assert report["pooled"]["tweets"] == 150
    strategies = {(r["strategy"], r["n_labels"]) for r in report["pooled"]["rows"]}
    assert strategies == {("random", 20), ("random", 40), ("active", 20), ("active", 40)}
    for row in report["pooled"]["rows"] + report["macro"]:
        assert row["holdout_f1"] > 0.9  # the toy classes are separable
        assert 0.0 <= row["rest_precision"] <= 1.0
    text = runner.invoke(
        app, ["eval", "relevance", "--data", str(tmp_path), "--sizes", "20", "--repeats", "1"]
    )
    assert text.exit_code == 0, text.output
    assert "actif" in text.stdout and "hasard" in text.stdout  # the CLI reads French by default


def test_train_with_no_labels_says_so(store: Store) -> None:
    result = runner.invoke(app, ["relevance", "train", "--db", store.url])
    assert result.exit_code == 0, result.output
    assert "No query has relevance labels yet" in result.output
    assert "relevance models" not in result.output  # no empty table


def test_eval_relevance_follows_every_draw(tmp_path: Path) -> None:
    from socialhub.relevance.crisislex import learning_curve

    _write_event(tmp_path, "2099_Testville_floods", 90)
    _write_event(tmp_path, "2099_Otherton_floods", 60)
    seen: list[tuple[int, int, str]] = []
    learning_curve(tmp_path, [20, 40], repeats=2, progress=lambda *a: seen.append(a))
    total = 2 * 2 * 2 * (90 + 60 + 150)  # sizes x strategies x repeats x (events + pooled)
    assert {t for _, t, _ in seen} == {total}
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total
    assert [name for name in dict.fromkeys(n for _, _, n in seen)] == [
        "2099_Otherton_floods",
        "2099_Testville_floods",
        "",  # the pooled events, last
    ]


def test_eval_relevance_draws_a_bar_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialhub.cli import common

    _write_event(tmp_path, "2099_Testville_floods", 60)
    monkeypatch.setattr(common.console, "_force_terminal", True)
    args = ["eval", "relevance", "--data", str(tmp_path), "--sizes", "20", "--repeats", "1"]
    shown = runner.invoke(app, args, env={"SOCIALHUB_LOCALE": "fr"})
    assert shown.exit_code == 0, shown.output
    assert "courbe d'apprentissage : événements regroupés" in shown.stderr
    quiet = runner.invoke(app, [*args, "--json"])
    assert "courbe" not in quiet.stderr and "learning curve" not in quiet.stderr
    assert json.loads(quiet.stdout)["pooled"]["tweets"] == 60
