"""Configuration and validation messages in French: the ``[workspace.settings]``
validators of every layer, the ``[[official_account]]`` checks, pydantic's own wording in
option errors and Click's password prompt; English unchanged in ``str()`` (logs, JSON)
and under ``SOCIALHUB_LOCALE=en``."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    ValidationError,
)
from typer.testing import CliRunner

from socialhub import i18n
from socialhub.analytics.options import DetectOptions
from socialhub.cli.main import app
from socialhub.config.load import parse_config, setting_errors
from socialhub.config.model import ConfigError
from socialhub.pipeline.options import PipelineOptions
from socialhub.pydantic_text import TEMPLATES, lower_first, problem
from socialhub.settings import typed_table
from web.french import english_in

FR = {"SOCIALHUB_LOCALE": "fr"}
EN = {"SOCIALHUB_LOCALE": "en"}

BAD_CONFIG = """
[[workspace]]
slug = "com"
name = "Communication"
[workspace.settings]
reports = [{ name = "matin", times = ["25:00"], recipients = ["presse"] }]
share_of_voice = { brand = "Marque" }
engagement = { approvers = ["boss"], colour = 1 }
incidents = { open_severity = 11 }
retention = { days = 0 }
official_accounts = "MirabelleTel"
briefing_rules = [{ when = { colour = "red" }, action = "x" }]
press_officer = ""
entities = [{ name = "Telvia", type = "planet" }]
categories = [{ name = "vip", examples = "one sentence" }]

[[official_account]]
platform = "myspace"
handle = ""
workspaces = []
"""

FRENCH = (
    "[0] l'heure '25:00' n'est pas au format HH:MM",
    "[0] ce n'est pas une adresse e-mail : 'presse'",
    "brand : une liste de noms de requêtes est attendue",
    "competitors : nommez au moins une requête",
    "clé inconnue 'colour' ; clés possibles :",
    "open_severity : un entier de 1 à 10",
    "retention days : le nombre de jours doit être un entier >= 1, pas 0",
    "une liste de comptes est attendue, p. ex. official_accounts",
    "briefing_rules[0] : condition inconnue 'colour'",
    "press_officer : un nom est attendu",
    "type doit être l'un de",
    "examples doit être une liste de phrases, pas str",
    "official_account[0].platform : 'myspace' ; plateformes possibles :",
    "official_account[0].handle : obligatoire",
    "official_account[0].workspaces : une liste non vide d'identifiants d'espaces",
)


def _nodes(text: str) -> list[str]:
    """Printed lines, without the file's path (pytest's folder names hold English)."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return [line for line in lines if "pytest-" not in line and "bad.toml" not in line]


def test_settings_and_official_account_errors_in_french(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_CONFIG, encoding="utf-8")
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    fr = CliRunner().invoke(app, ["apply", str(path), *db], env=FR)
    assert fr.exit_code == 2, fr.output
    text = " ".join(fr.output.split())
    for french in FRENCH:
        assert french in text, (french, text)
    assert english_in(_nodes(fr.output)) == [], fr.output
    en = CliRunner().invoke(app, ["apply", str(path), *db], env=EN)
    text = " ".join(en.output.split())
    assert "official_account[0].handle: required" in text
    assert "[0] time '25:00' is not HH:MM" in text
    assert "briefing_rules[0]: unknown condition 'colour'" in text


def test_the_english_of_a_configuration_error_is_unchanged() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(BAD_CONFIG)
    english = str(caught.value)  # logs and --json
    assert "workspace[0].settings.retention: retention days: days must be a whole number" in (
        english
    )
    assert "l'heure" not in english
    with i18n.use_locale("fr"):
        assert "retention days : le nombre de jours doit" in caught.value.localised()
    # each layer's validator answers translatable messages
    for key, value in (("reports", [{"name": "x", "times": ["x"]}]), ("walls_x", None)):
        for p in setting_errors(key, value):
            assert isinstance(p, i18n.Message), p


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    n: int = Field(default=1, ge=1, le=10)
    m: int = Field(default=5, gt=0, lt=9)
    x: float = 0.0
    flag: bool = False
    mode: Literal["full", "fast", "off"] = "full"
    words: list[str] = []
    table: dict[str, Any] = {}
    name: str
    loose: int = 0


# input -> the pydantic error type it triggers (lax mode for the parsing ones)
TRIGGERS: list[tuple[dict[str, Any], str]] = [
    ({}, "missing"),
    ({"name": "a", "colour": 1}, "extra_forbidden"),
    ({"name": 3}, "string_type"),
    ({"name": "a", "n": "x"}, "int_type"),
    ({"name": "a", "x": "x"}, "float_type"),
    ({"name": "a", "flag": 1}, "bool_type"),
    ({"name": "a", "words": "w"}, "list_type"),
    ({"name": "a", "table": 1}, "dict_type"),
    ({"name": "a", "n": 0}, "greater_than_equal"),
    ({"name": "a", "n": 11}, "less_than_equal"),
    ({"name": "a", "m": 0}, "greater_than"),
    ({"name": "a", "m": 9}, "less_than"),
    ({"name": "a", "mode": "quick"}, "literal_error"),
]
LAX = [
    ({"name": "a", "loose": "x"}, "int_parsing"),
    ({"name": "a", "loose": 1.5}, "int_from_float"),
    ({"name": "a", "x": "x"}, "float_parsing"),
    ({"name": "a", "flag": "maybe"}, "bool_parsing"),
]


class _Sized(BaseModel):
    """Lengths (singular and plural bounds, each container kind) and dates."""

    s: str = Field(default="abc", min_length=2, max_length=4)
    s1: str = Field(default="a", min_length=1, max_length=1)
    items: list[int] = Field(default=[1, 2], min_length=2, max_length=3)
    one: tuple[int, ...] = Field(default=(1,), min_length=1, max_length=1)
    tags: set[int] = Field(default={1}, min_length=1)
    frozen: frozenset[int] = Field(default=frozenset({1}), min_length=1)
    table: dict[str, int] = Field(default={"a": 1}, min_length=1, max_length=1)
    at: datetime = datetime(2026, 1, 1)
    day: date = date(2026, 1, 1)
    clock: time = time(8)
    aware: AwareDatetime = datetime(2026, 1, 1, tzinfo=UTC)
    naive: NaiveDatetime = datetime(2026, 1, 1)


SIZED: list[tuple[dict[str, Any], str]] = [
    ({"s": "a"}, "string_too_short"),
    ({"s": "abcdef"}, "string_too_long"),
    ({"s1": ""}, "string_too_short"),
    ({"s1": "ab"}, "string_too_long"),
    ({"items": [1]}, "too_short"),
    ({"items": [1, 2, 3, 4]}, "too_long"),
    ({"one": ()}, "too_short"),
    ({"one": (1, 2)}, "too_long"),
    ({"tags": []}, "too_short"),
    ({"frozen": []}, "too_short"),
    ({"table": {}}, "too_short"),
    ({"table": {"a": 1, "b": 2}}, "too_long"),  # "..., not more"
    ({"at": "x"}, "datetime_from_date_parsing"),
    ({"at": "2026-13-01"}, "datetime_from_date_parsing"),
    ({"at": "2026-01-01T25:00"}, "datetime_from_date_parsing"),
    ({"at": "2026-01-01T10:61"}, "datetime_from_date_parsing"),
    ({"at": 1e20}, "datetime_parsing"),
    ({"at": [1]}, "datetime_type"),
    ({"day": "2026-02-30"}, "date_from_datetime_parsing"),
    ({"day": "2026/01/01"}, "date_from_datetime_parsing"),
    ({"day": "2026-01-01T10:00"}, "date_from_datetime_inexact"),
    ({"day": [1]}, "date_type"),
    ({"clock": "x"}, "time_parsing"),
    ({"clock": [1]}, "time_type"),
    ({"aware": "2026-01-01T10:00"}, "timezone_aware"),
    ({"naive": "2026-01-01T10:00+01:00"}, "timezone_naive"),
    # strict JSON (an API body) parses dates and datetimes on their own
    ({"json": '{"day": "2026-1-1"}'}, "date_parsing"),
    ({"json": '{"at": "2026-01-01 10h00"}'}, "datetime_parsing"),
]


def _error(data: dict[str, Any], strict: bool = True) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate(data, strict=strict)
    return dict(caught.value.errors()[0])


def _sized(data: dict[str, Any], strict: bool = False) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        if "json" in data:
            _Sized.model_validate_json(data["json"], strict=True)
        else:
            _Sized.model_validate(data, strict=strict)
    return dict(caught.value.errors()[0])


CASES = [(d, k, True) for d, k in TRIGGERS] + [(d, k, False) for d, k in LAX]


@pytest.mark.parametrize(("data", "kind", "strict"), CASES)
def test_pydantic_wording_translates_and_keeps_its_english(
    data: dict[str, Any], kind: str, strict: bool
) -> None:
    err = _error(data, strict)
    assert err["type"] == kind
    found = problem(err)
    # the English is pydantic's, character for character: a pydantic upgrade that
    # changes a wording fails here (the message would pass untranslated)
    assert isinstance(found, i18n.Message) and str(found) == err["msg"], (found, err["msg"])
    with i18n.use_locale("fr"):
        french = i18n.localised(found)
    assert french != err["msg"] and english_in([french]) == [], french
    assert kind in TEMPLATES


@pytest.mark.parametrize(("data", "kind"), SIZED)
def test_length_and_date_errors_translate_and_keep_their_english(
    data: dict[str, Any], kind: str
) -> None:
    err = _sized(data)
    assert err["type"] == kind, err
    found = problem(err)
    assert isinstance(found, i18n.Message) and str(found) == err["msg"], (found, err["msg"])
    with i18n.use_locale("fr"):
        french = i18n.localised(found)
    # the whole sentence reads French, the date parser's reason included
    assert french != err["msg"] and english_in([french]) == [], french
    for reason in (v for v in found.values.values() if isinstance(v, i18n.Message)):
        with i18n.use_locale("fr"):
            assert i18n.localised(reason) != str(reason), reason
    assert kind in TEMPLATES


def test_length_and_date_errors_read_as_a_person_expects() -> None:
    with i18n.use_locale("fr"):
        assert i18n.localised(problem(_sized({"s1": ""}))) == ("au moins 1 caractère est attendu")
        assert i18n.localised(problem(_sized({"items": [1, 2, 3, 4]}))) == (
            "Liste : au plus 3 éléments sont attendus après validation, pas 4"
        )
        assert i18n.localised(problem(_sized({"table": {"a": 1, "b": 2}}))) == (
            "Dictionnaire : au plus 1 élément est attendu après validation, pas davantage"
        )
        assert i18n.localised(problem(_sized({"at": "2026-13-01"}))) == (
            "une date et heure ou une date valide est attendue : mois hors de 1-12"
        )
    # an option table's error, lower-cased inside its sentence
    inner = lower_first(problem(_sized({"day": "2026-02-30"})))
    assert str(inner).startswith("input should be a valid date or datetime, day value")
    with i18n.use_locale("fr"):
        assert i18n.localised(inner) == (
            "une date ou une date et heure valide est attendue : jour hors des limites du mois"
        )
    # a parser reason nobody listed keeps its words, the rest still translates
    err = {"type": "datetime_parsing", "msg": "Input should be a valid datetime, new reason",
           "ctx": {"error": "new reason"}}  # fmt: skip
    with i18n.use_locale("fr"):
        assert i18n.localised(problem(err)) == (
            "une date et heure valide est attendue : new reason"
        )


def test_an_unknown_pydantic_type_passes_as_written() -> None:
    err = {"type": "url_parsing", "msg": "Input should be a valid URL", "ctx": {}}
    assert problem(err) == "Input should be a valid URL"
    assert not isinstance(problem(err), i18n.Message)


def test_option_errors_carry_pydantics_words_in_french() -> None:
    with pytest.raises(ValueError) as caught:
        PipelineOptions.from_table({"dedup_window": "10"})
    english = "[pipeline]: dedup_window: input should be a valid integer, not '10'"
    assert str(caught.value) == english
    with i18n.use_locale("fr"):
        assert i18n.localised(caught.value) == (
            "[pipeline] : dedup_window : un nombre entier est attendu, pas '10'"
        )
    with pytest.raises(ValueError) as caught:
        PipelineOptions.from_table({"mode": "quick"})
    assert str(caught.value) == "[pipeline]: mode: input should be 'full' or 'fast', not 'quick'"
    with i18n.use_locale("fr"):
        assert i18n.localised(caught.value) == (
            "[pipeline] : mode : valeurs possibles : 'full' ou 'fast', pas 'quick'"
        )
    with pytest.raises(ValueError) as caught:
        DetectOptions.from_table({"tick": "x"})
    with i18n.use_locale("fr"):
        assert i18n.localised(caught.value) == "[detect] : tick : un nombre est attendu"
    # the lower-cased message survives a pickle (errors cross process boundaries)
    inner = problem(_error({"name": "a", "n": "x"}))
    again = pickle.loads(pickle.dumps(lower_first(inner)))
    assert str(again) == "input should be a valid integer"
    with i18n.use_locale("fr"):
        assert i18n.localised(again) == "un nombre entier est attendu"


def test_hub_table_errors_in_french() -> None:
    with pytest.raises(ValueError) as caught:
        typed_table({"port": "x"}, {"port": int}, "hub.toml: [hub]")
    assert str(caught.value) == "hub.toml: [hub] port: must be a int, not 'x'"
    with i18n.use_locale("fr"):
        assert i18n.localised(caught.value) == (
            "hub.toml: [hub] port : doit être de type int, pas 'x'"
        )


def test_clicks_password_prompt_in_french(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    assert CliRunner().invoke(app, ["db", "upgrade", *db], env=FR).exit_code == 0
    pw = "correct horse battery staple 42"
    answers = f"{pw}\nsomething else\n{pw}\n{pw}\n"
    fr = CliRunner().invoke(app, ["users", "add", "alice", *db], env=FR, input=answers)
    assert fr.exit_code == 0, fr.output
    assert "Erreur : les deux valeurs saisies ne correspondent pas." in fr.output
    assert "Répétez pour confirmer" in fr.output and "Mot de passe" in fr.output
    assert "do not match" not in fr.output
    en = CliRunner().invoke(app, ["users", "add", "bob", *db], env=EN, input=answers)
    assert en.exit_code == 0, en.output
    assert "Error: The two entered values do not match." in en.output
    assert "Repeat for confirmation" in en.output
