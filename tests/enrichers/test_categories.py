"""Few-shot categories: validation, the shipped defaults, workspace sets, the dev set."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialhub.enrichers.categories import (
    CategoryModel,
    background_examples,
    default_categories,
    parse_categories,
    validate_categories,
)
from socialhub.enrichers.categories.evaluate import evaluate, read_jsonl
from socialhub.enrichers.categories.model import default_texts, load_default_vectors
from socialhub.enrichers.categories.stage import CategoriesStage
from socialhub.enrichers.embedding import RESOURCE_KEY, E5Embedder, cache_key
from socialhub.models import Mention, Query, Workspace
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import Pipeline
from socialhub.store.sqlite import SqliteStore

DEV = Path(__file__).parents[1] / "fixtures" / "categories_dev.jsonl"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def enc() -> E5Embedder:
    e = E5Embedder()
    e.pin(load_default_vectors())
    return e


@pytest.fixture(scope="module")
def model(enc: E5Embedder) -> CategoryModel:
    return CategoryModel(default_categories(), background_examples(), enc)


def names(pred: list[tuple[str, float]]) -> list[str]:
    return [n for n, _ in pred]


def test_validation_messages_name_the_entry_and_the_problem() -> None:
    assert validate_categories([{"name": "billing"}, {"name": "vip", "examples": ["x"]}]) == []
    assert validate_categories({"name": "x"}) == ["categories must be a list of tables, not dict"]
    errors = validate_categories(
        [
            {"name": "vip"},
            {"name": "", "examples": ["a"]},
            {"name": "b", "examples": ["a", 3], "threshold": 1.5, "colour": "red"},
            {"name": "b", "examples": ["a"]},
            "oops",
        ]
    )
    assert any("categories[0] (vip): 'examples'" in e and "is required" in e for e in errors)
    assert "categories[1]: a non-empty 'name' is required" in errors
    assert any(e.startswith("categories[2] (b): unknown key(s) colour") for e in errors)
    assert "categories[2] (b): every example must be a non-empty string" in errors
    assert any("categories[2] (b): threshold must be" in e for e in errors)
    assert "categories[3] (b): duplicate name" in errors
    assert "categories[4]: expected a table, not str" in errors
    with pytest.raises(ValueError, match="vip"):
        parse_categories([{"name": "vip"}])


def test_a_default_name_without_examples_reuses_the_default_examples() -> None:
    cats = parse_categories(
        [{"name": "billing", "threshold": 0.6}, {"name": "vip", "examples": ["x"]}]
    )
    default = {c.name: c for c in default_categories()}["billing"]
    assert cats[0].examples == default.examples and cats[0].threshold == 0.6
    assert cats[0].label("fr") == "Facturation" and cats[1].label("en") == "vip"


def test_defaults_cover_the_issue_and_ship_current_vectors() -> None:
    cats = {c.name: c for c in default_categories()}
    for name in (
        "network_outage",
        "billing",
        "customer_service",
        "fibre_installation",
        "mobile_coverage",
        "pricing",
        "praise",
        "cancellation",
        "data_privacy",
    ):
        assert 8 <= len(cats[name].examples) <= 15, name
        assert cats[name].label_fr and cats[name].label_en
    shipped = load_default_vectors()
    stale = [t for t in default_texts() if cache_key(t) not in shipped]
    assert not stale, f"rebuild defaults_vectors.npz (python -m ...categories.model): {stale[:3]}"


def test_dev_sentences_are_not_the_examples() -> None:
    examples = {t.casefold() for t in default_texts()}
    assert not [r["text"] for r in read_jsonl(DEV) if r["text"].casefold() in examples]


TWO_TOPICS = "Je résilie : 3 jours de panne et en plus une facture doublée"


def test_zero_one_or_several_categories(model: CategoryModel) -> None:
    out = model.predict_texts(
        [
            "Plus d'internet à Rennes depuis 6h, toute la rue est coupée",
            "I was charged twice for the same month, where is my refund",
            "Super recette de crumble aux pommes ce midi",
            TWO_TOPICS,
        ]
    )
    assert names(out[0])[0] == "network_outage"
    assert names(out[1])[0] == "billing"
    assert out[2] == []
    # one embedding of a two-topic post leans to one side (see the model card) ...
    assert names(out[3])[0] == "billing"
    # ... and a workspace lowering a category's threshold gets both
    tables: list[dict[str, object]] = [{"name": c.name} for c in default_categories()]
    tables = [t if t["name"] != "cancellation" else {**t, "threshold": 0.2} for t in tables]
    custom = CategoryModel(parse_categories(tables), background_examples(), model.embedder)
    assert names(custom.predict_texts([TWO_TOPICS])[0]) == ["billing", "cancellation"]
    for pred in out:
        assert all(0.0 < s <= 1.0 for _, s in pred)
        assert [s for _, s in pred] == sorted((s for _, s in pred), reverse=True)


def test_dev_set_scores_stay_at_the_documented_level(model: CategoryModel) -> None:
    report = evaluate(model, read_jsonl(DEV))
    assert report["n"] >= 140
    # docs/models/categories.md reports micro-F1 80.1 / macro-F1 81.5
    assert report["micro_f1"] >= 75 and report["macro_f1"] >= 75, report["per_category"]
    assert report["by_lang"]["fr"]["micro_f1"] >= 70 and report["by_lang"]["en"]["micro_f1"] >= 70


def mention(i: int, text: str, query_ids: list[int] | None = None) -> Mention:
    return Mention("x", str(i), text, T0, query_ids=query_ids or [])


def test_stage_uses_each_workspace_set_or_the_defaults(tmp_path: Path, enc: E5Embedder) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'c.db'}")
    store.migrate()
    try:
        legal = store.workspaces.upsert_workspace(Workspace("legal", "Legal"))
        qos = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
        assert legal.id is not None and qos.id is not None
        store.workspaces.set_workspace_setting(
            legal.id,
            "categories",
            [
                {
                    "name": "defamation",
                    "label_fr": "Diffamation",
                    "examples": [
                        "Le directeur est un escroc et un menteur, tout le monde le sait",
                        "Cette entreprise vole ses clients, ce sont des voleurs",
                        "Leur PDG a truqué les comptes, c'est un criminel",
                        "The CEO is a fraud and a liar",
                    ],
                },
                {"name": "billing"},
            ],
        )
        q_legal = store.workspaces.upsert_query(Query(legal.id, "brand", "mirabelle"))
        q_qos = store.workspaces.upsert_query(Query(qos.id, "brand", "mirabelle"))
        stage = CategoriesStage(Context(store, {}, {RESOURCE_KEY: enc}))
        text = "Mirabelle ce sont des voleurs, leur patron est un escroc"
        both = mention(1, text, [q_legal.id or 0, q_qos.id or 0])
        nowhere = mention(2, "Plus d'internet depuis hier soir, panne générale")
        result = Pipeline([stage]).process([both, nowhere])
        assert not result.quarantined
        by_ws: dict[int | None, list[str]] = {}
        for c in both.categories:
            by_ws.setdefault(c["workspace_id"], []).append(c["name"])
        assert by_ws[legal.id][0] == "defamation"
        assert "defamation" not in by_ws.get(qos.id, [])  # qos has the defaults
        assert [c["workspace_id"] for c in nowhere.categories] == [None]
        assert nowhere.categories[0]["name"] == "network_outage"
        assert set(nowhere.categories[0]) == {"name", "score", "workspace_id"}
    finally:
        store.close()


def test_hostile_batch_never_crashes(enc: E5Embedder) -> None:
    stage = CategoriesStage(Context(None, {}, {RESOURCE_KEY: enc}))
    hostile = [
        "",
        "fibre " * 20_000,
        "\x00\ufffe\ud800\x1b junk",
        "Привет 你好 مرحبا panne",
        "😡🙃👏",
    ]
    result = Pipeline([stage]).process([mention(i, t) for i, t in enumerate(hostile)])
    assert not result.quarantined and len(result.kept) == len(hostile)
    assert all(isinstance(m.categories, list) for m in result.kept)
