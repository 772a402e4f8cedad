"""Configuration and validation messages in French: the ``[workspace.settings]``
validators of every layer, the ``[[official_account]]`` checks, pydantic's own wording in
option errors and Click's password prompt; English unchanged in ``str()`` (logs, JSON)
and under ``SOCIALHUB_LOCALE=en``."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError
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


def _error(data: dict[str, Any], strict: bool = True) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate(data, strict=strict)
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
