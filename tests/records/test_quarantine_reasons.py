"""Quarantine reasons: every code reads French in French, English as stored in English,
and every reason the code produces has a code (socialhub.records.quarantine).

The French nets are those of tests/web/french.py: an English msgid with a French
translation, two English function words, or an English msgid between separators fails.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from socialhub.i18n import catalogue, use_locale
from socialhub.models import QuarantineItem
from socialhub.records.quarantine import (
    JSON_ERRORS,
    READ_AS,
    REASONS,
    Reason,
    display_reason,
    json_error,
)
from web.french import english_in

SRC = Path(__file__).resolve().parents[2] / "src" / "socialhub"
_FIELD = re.compile(r"%\((\w+)\)s")

# A neutral value for every parameter a template names: numbers, field names, values
# read from a file ('hier matin'), a Python type or exception name.
SAMPLES: dict[str, Any] = {
    "error": "unexpected end of data",
    "line": 3,
    "column": 14,
    "char": 2045,
    "limit": 64,
    "size": 70_000_000,
    "kept": 65_536,
    "count": 3,
    "width": 5,
    "type": "list",
    "field": "created_at",
    "value": "'hier matin'",
    "kind": "'billet'",
    "detail": "429",
    "id": "'abc'",
    "error_type": "ValueError",
    "stage": "sentiment",
    # connectors' dead letters
    "reason": "not an http(s) link",
    "file": "journal-20h.vtt",
    "start": "12.500",
    "selector": "'.message .corps'",
    "format": "RSS",
    "title": "'Le Monde'",
    "tag": "div",
    "fields": "channel, start",
    "sidecar": "journal-20h.json",
}


def _sample(code: str) -> Reason:
    spec = REASONS[code]
    names = set(_FIELD.findall(spec.english)) | set(_FIELD.findall(spec.shown))
    values = {name: SAMPLES[name] for name in names}
    if "error" in values and "error" not in spec.translated:
        values["error"] = "KeyError(0)"  # an exception's own message: shown as it came
    return Reason(code, **values)


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_reads_french_in_french(code: str) -> None:
    why = _sample(code)
    spec = REASONS[code]
    msgid = spec.shown or spec.english
    assert isinstance(catalogue("fr").get(msgid), str), f"{code}: no French for {msgid!r}"
    with use_locale("fr"):
        shown = display_reason(why, why.code, why.params)
        with_encoding = why.read_as("cp1252").localised()
    assert shown != str(why)
    # JSON keys are named as keys ("a tweet (id, text)")
    assert english_in([shown, with_encoding], frozenset({"text"}), fragments=True) == []
    assert with_encoding.endswith("(ligne lue en cp1252, pas en UTF-8)")


@pytest.mark.parametrize("code", sorted(REASONS))
def test_in_english_a_reason_reads_as_stored(code: str) -> None:
    why = _sample(code)
    with use_locale("en"):
        shown = display_reason(why, why.code, why.params)
    spec = REASONS[code]
    if spec.shown:  # a bare "Type: message" gets its sentence when shown
        assert shown.endswith(str(why.params["error"])) and shown != str(why)
        if spec.english in spec.shown:  # "stage … failed: Type: message"
            assert shown.endswith(str(why))
    else:
        assert shown == str(why)


def test_numbers_and_parser_messages_follow_the_reader() -> None:
    why = _sample("record_too_large")
    assert why == (
        "record larger than 64 MiB: 70,000,000 bytes (the first 65,536 characters are kept "
        "here, the whole record is in the file)"
    )
    with use_locale("fr"):
        assert "70\u202f000\u202f000 octets" in why.localised()
    try:
        orjson.loads('{"a": 1')
    except orjson.JSONDecodeError as exc:
        bad = json_error(exc)
    assert bad == "invalid JSON: unexpected end of data: line 1 column 8 (char 7)"
    assert (bad.code, bad.params["error"]) == ("invalid_json", "unexpected end of data")
    with use_locale("fr"):
        assert bad.localised() == (
            "JSON invalide : fin de données inattendue (ligne 1, colonne 8, caractère 7)"
        )


def test_the_json_parser_messages_are_all_known_and_translated() -> None:
    """orjson's messages for these inputs are in JSON_ERRORS (an upgrade that rewords
    them fails here) and every one of JSON_ERRORS reads French."""
    seen = set()
    for text in ("{oops", '{"a":1', '{"a":1}x', '{"a" 1}', '{"a":1,}', '"\\x"', "[1 2]", "tru"):
        with pytest.raises(orjson.JSONDecodeError) as info:
            orjson.loads(text)
        seen.add(info.value.msg)
    assert seen <= set(JSON_ERRORS), seen - set(JSON_ERRORS)
    fr = catalogue("fr")
    for msgid in (*JSON_ERRORS, READ_AS):
        assert isinstance(fr.get(msgid), str) and fr[msgid] != msgid, msgid
    with use_locale("fr"):
        unknown = Reason("invalid_json_text", error="something new")
        assert unknown.localised() == "JSON invalide : something new"  # shown as it came


def test_a_row_stored_before_codes_is_shown_as_stored() -> None:
    with use_locale("fr"):
        assert display_reason("missing field 'text'", "", {}) == "missing field 'text'"
        assert display_reason("missing field 'text'", None, None) == "missing field 'text'"
        # a code from a newer version, or parameters that do not fit: as stored too
        assert display_reason("stored", "from_the_future", {"x": 1}) == "stored"
        assert display_reason("stored", "missing_field", {}) == "stored"
    legacy = QuarantineItem("import:csv:a.csv", "no date", "<row/>")
    assert (legacy.reason_code, legacy.reason_params) == ("", {})


def test_a_reason_fills_the_item_and_survives_pickling() -> None:
    why = Reason("missing_field", field="created_at")
    item = QuarantineItem("import:csv:a.csv", why, "a;b")
    assert (item.reason, item.reason_code, item.reason_params) == (
        "missing created_at: no value for created_at",
        "missing_field",
        {"field": "created_at"},
    )
    again = pickle.loads(pickle.dumps(why))
    assert (again, again.code, again.params) == (why, why.code, why.params)
    with pytest.raises(KeyError):
        Reason("no_such_code")


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_every_quarantine_reason_in_the_sources_has_a_code() -> None:
    """No producer stores a bare string (an f-string or a literal) as a quarantine reason,
    every code a producer names exists, and every code is produced somewhere."""
    bare, unknown, used = [], [], set()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC)
        home = path.parent.name == "records" and path.name == "quarantine.py"
        # the catalogue itself names every code: only its functions count as producers
        scanned = [n for n in tree.body if isinstance(n, ast.FunctionDef)] if home else [tree]
        for node in (n for top in scanned for n in ast.walk(top)):
            if isinstance(node, ast.Constant) and node.value in REASONS:
                used.add(node.value)
        for call in _calls(tree):
            name = _name(call)
            reason: ast.expr | None = None
            if name == "QuarantineItem":
                args = [k.value for k in call.keywords if k.arg == "reason"] + call.args[1:2]
                reason = args[0] if args else None
            elif name in ("quarantine", "_quarantine") and call.args:
                reason = call.args[0]
            if isinstance(reason, ast.JoinedStr | ast.Constant | ast.BinOp):
                bare.append(f"{where}:{call.lineno}")
            if name in ("Reason", "because") and call.args:
                first = call.args[0]
                if isinstance(first, ast.Constant) and first.value not in REASONS:
                    unknown.append(f"{where}:{call.lineno}: {first.value!r}")
    assert bare == [], bare
    assert unknown == [], unknown
    assert set(REASONS) - used == set(), "codes nothing produces"
