"""The command line's own texts in French (``SOCIALHUB_LOCALE=fr``): every ``--help`` page
of the whole command tree, Click's usage errors ("Erreur : …", "Utilisation : …"), and the
errors lower layers raise (query parser, configuration, legal desk); English stays the
default (``LANG=C``) and reads exactly as before."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from typer import _click as click
from typer.testing import CliRunner

from socialhub import i18n
from socialhub.cli import localise
from socialhub.cli.main import COMMANDS, app, full_tree, load
from web.french import english_in

FR = {"SOCIALHUB_LOCALE": "fr"}
EN = {"SOCIALHUB_LOCALE": "en"}
C = {"SOCIALHUB_LOCALE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C"}

# Values a user types, listed in French help as they are (two of them are English
# function words for the net of web/french.py): they are not untranslated sentences.
TYPED_VALUES = ("open", "closed")


def _prose(line: str) -> str:
    """A help line without what the user types: option names (``--no-per-event``),
    default values (``[par défaut : per-event]``) and the query language's operators
    (``AND``, ``OR``)."""
    line = re.sub(r"\[par défaut : [^\]]*\]", "", line)
    words = line.replace("(", " ").split()
    return " ".join(w for w in words if not w.startswith("-") and not re.fullmatch(r"[A-Z]+", w))


def _squash(text: str) -> str:
    return "".join(text.split())


@cache
def _tree() -> click.Command:
    return full_tree()


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _at(path: tuple[str, ...]) -> click.Command:
    cmd = _tree()
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return cmd


def _own_texts(cmd: click.Command) -> list[str]:
    """The help texts a command's own --help page shows (English message ids)."""
    texts = [localise.help_msgid(cmd.help)] if cmd.help else []
    for param in cmd.params:
        if getattr(param, "help", None) and not getattr(param, "hidden", False):
            texts.append(localise.help_msgid(param.help))  # type: ignore[attr-defined]
    return [*texts, localise.HELP_OPTION]


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    done = CliRunner().invoke(app, args, env=env)
    return done.exit_code, done.output


def test_every_help_text_of_the_tree_has_a_french_translation() -> None:
    ids = localise.help_msgids(_tree())
    assert len(ids) > 250  # the walk does reach every command and option
    assert "Maximum mentions shown." in ids and "Record a verdict" in " ".join(ids)
    fr = i18n.catalogue("fr")
    missing = sorted(m for m in ids if m not in fr)
    assert missing == [], "\n".join(f"{ids[m][0]}: {m!r}" for m in missing)
    untranslated = sorted(m for m in ids if fr[m] == m)
    assert untranslated == []


def test_every_help_page_of_the_tree_reads_french() -> None:
    """Each command's own --help, rendered in French: every help text is shown in its
    French translation, none in English; the English rendering shows the English."""
    fr = i18n.catalogue("fr")
    paths = list(_commands(_tree()))
    assert len(paths) > 70
    for path in paths:
        code_fr, out_fr = _run([*path, "--help"], FR)
        code_en, out_en = _run([*path, "--help"], EN)
        assert code_fr == code_en == 0, (path, out_fr)
        assert out_fr.startswith("Utilisation : socialhub"), (path, out_fr[:80])
        assert out_en.startswith("Usage: socialhub"), (path, out_en[:80])
        assert "Options :" in out_fr and "Options:" not in out_fr
        french, english = _squash(out_fr), _squash(out_en)
        for text in _own_texts(_at(path)):
            assert _squash(fr[text]) in french, (path, fr[text])
            if _squash(fr[text]) != _squash(text):  # "CSV : x" and "CSV: x" squash alike
                assert _squash(text) not in french, (path, text)
            assert _squash(text) in english, (path, text)
        nodes = [_prose(line) for line in out_fr.splitlines() if line.strip()]
        allowed = frozenset(
            n for n in nodes if any(re.search(rf"\b{v}\b", n) for v in TYPED_VALUES)
        )
        assert english_in(nodes, allowed) == [], path


def test_the_listing_of_commands_matches_their_french_help() -> None:
    """``socialhub --help`` lists commands from a table, not their modules: in French
    too, each one-liner must be the start of the command's own (translated) help."""
    code, listing = _run(["--help"], FR)
    assert code == 0 and "Commandes :" in listing
    with i18n.use_locale("fr"):
        for name, (_module, _attr, short) in COMMANDS.items():
            french_short = i18n.gettext(short)
            assert french_short != short, name
            full = localise.translate_help(load(name).help) or ""
            assert " ".join(full.split()).startswith(french_short.rstrip(".")), name
            assert _squash(french_short)[:30] in _squash(listing), name


@pytest.mark.parametrize(
    ("args", "french", "english"),
    [
        (
            ["search", "--limit", "abc", "panne"],
            "Erreur : Valeur incorrecte pour '--limit' : un nombre entier est attendu",
            "Error: Invalid value for '--limit': Input should be a valid integer",
        ),
        (
            ["alerts", "list", "--limit", "0"],
            "Erreur : Valeur incorrecte pour '--limit' / '-n' : la valeur doit être supérieure "
            "ou égale à 1",
            "Error: Invalid value for '--limit' / '-n': Input should be greater than or equal to 1",
        ),
        (["search"], "Erreur : Argument manquant : 'query'.", "Error: Missing argument 'query'."),
        (["nope"], "Erreur : Commande inconnue : 'nope'.", "Error: No such command 'nope'."),
        (
            ["search", "--fo", "x"],
            "Erreur : Option inconnue : --fo (options possibles : --json)",
            "Error: No such option: --fo (Possible options: --json)",
        ),
        (
            ["search", "a", "b", "c"],
            "Erreur : Argument(s) en trop : b c",
            "Error: Got unexpected extra argument(s) (b c)",
        ),
        (
            ["alerts", "list", "--state"],
            "Erreur : L'option '--state' attend une valeur.",
            "Error: Option '--state' requires an argument.",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_usage_errors_in_french(args: list[str], french: str, english: str) -> None:
    code, out = _run(args, FR)
    assert code == 2
    assert french in out, out
    assert "Error" not in out and "Usage:" not in out and "Try '" not in out
    code, out = _run(args, C)  # LANG=C: English, as before
    assert code == 2 and english in out, out


def test_the_usage_line_and_the_hint_in_french() -> None:
    code, out = _run(["search", "--limit", "abc", "panne"], FR)
    assert code == 2
    assert out.startswith("Utilisation : socialhub search [OPTIONS] {query}\n")
    assert "Essayez 'socialhub search --help' pour obtenir de l'aide." in out
    code, out = _run(["search", "--limit", "abc", "panne"], EN)
    assert code == 2
    assert out.startswith("Usage: socialhub search [OPTIONS] {query}\n")
    assert "Try 'socialhub search --help' for help." in out


def test_a_group_without_its_command_shows_its_help_in_french() -> None:
    for args in ([], ["alerts"]):
        code, out = _run(args, FR)
        assert code in (0, 2)  # no_args_is_help: the help, as a usage error or not
        assert "Utilisation : socialhub" in out and "Commandes :" in out, out
        assert "Afficher ce message et quitter." in out


def test_query_errors_in_french_and_english(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    code, out = _run(["search", "panne AND", *db], FR)
    assert code == 2 and "erreur à la colonne 7 : AND attend un terme après lui" in out
    code, out = _run(["search", "le panne", *db], FR)
    assert "pas d'opérateur avant « panne » : AND supposé" in " ".join(out.split())
    code, out = _run(["search", "panne AND", *db], EN)
    assert code == 2 and "error at column 7: AND needs a term after it" in out


def test_configuration_errors_in_french(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[workspace]]\nslug = "Bad Slug"\nname = "x"\ntimezone = "Europe/Parus"\n'
        '[[workspace.query]]\nname = "q"\ndefinition = "panne AND"\n'
        '[[workspace.member]]\nusername = "alice"\nrole = "boss"\nroles = 1\n',
        encoding="utf-8",
    )
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    code, out = _run(["apply", str(bad), *db], FR)
    text = " ".join(out.split())
    assert code == 2
    for french in (
        "5 erreurs de configuration dans",
        "workspace[0].slug : 'Bad Slug' : utilisez des minuscules, des chiffres et des tirets",
        "fuseau horaire inconnu 'Europe/Parus' (p. ex. Europe/Paris)",
        "colonne 7 : AND attend un terme après lui (requête 'q')",
        "'boss' n'est pas un rôle ; rôles possibles :",
        "clé inconnue 'roles' (vouliez-vous dire 'role' ?) ; clés possibles : username, role",
    ):
        assert french in text, (french, text)
    code, out = _run(["apply", str(bad), *db], EN)
    text = " ".join(out.split())
    assert "5 configuration errors in" in text
    assert "unknown key 'roles' (did you mean 'role'?); expected one of username, role" in text


def test_option_errors_name_the_key_in_french() -> None:
    from socialhub.pipeline.options import PipelineOptions

    with pytest.raises(ValueError) as caught:
        PipelineOptions.from_table({"batch_sise": 3})
    assert str(caught.value) == "[pipeline]: unknown key batch_sise"  # logs, JSON: English
    with i18n.use_locale("fr"):
        assert i18n.localised(caught.value) == "[pipeline] : clé inconnue batch_sise"


def test_legal_refusals_in_french(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    code, out = _run(["legal", "show", "99", *db], FR)
    assert code == 2 and "aucun dossier 99" in out, out
    code, out = _run(["legal", "show", "99", *db], EN)
    assert code == 2 and "no case 99" in out, out


def test_click_templates_and_their_french_keep_the_same_fields() -> None:
    fr = i18n.catalogue("fr")
    for msgid in (*localise.CLICK_MESSAGES, *localise.TYPER_TEXTS):
        assert msgid in fr, msgid
        fields = set(re.findall(r"%\(\w+\)[sr]|\{\w+(?:!r)?\}", msgid))
        assert set(re.findall(r"%\(\w+\)[sr]|\{\w+(?:!r)?\}", fr[msgid])) == fields, msgid


def test_an_unknown_message_passes_through_unchanged() -> None:
    with i18n.use_locale("fr"):
        assert localise.translate_message("something Click never said") == (
            "something Click never said"
        )
        assert localise.translate_message("Input should be 'recent' or 'severity'") == (
            "valeurs possibles : 'recent' ou 'severity'"
        )


def test_english_start_up_reads_no_catalogue() -> None:
    """``socialhub --help`` in English reads no .po file (Babel is not even imported):
    its start-up is what it was; in French the catalogue is read once."""
    probe = (
        "import sys\nfrom socialhub.cli.main import app\nsys.argv = ['socialhub', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('BABEL:' + str('babel.messages.pofile' in sys.modules))\n"
    )
    for env, loaded in ((C, "False"), (FR, "True")):
        out = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=120,
            check=True,
        ).stdout
        assert f"BABEL:{loaded}" in out, (env, out[-300:])
        assert ("Utilisation :" in out) == (loaded == "True")


def test_status_in_french_on_a_24_hour_clock_in_paris(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from socialhub.models import utcnow
    from socialhub.records.processes import ProcessBeat
    from socialhub.store import open_store

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    store = open_store(url)
    store.migrate()
    started = datetime(2026, 12, 6, 13, 5, 3, tzinfo=UTC)  # 14:05:03 in Paris (UTC+1)
    now = utcnow()
    for pid, age in ((42, 2.5), (43, 1500.0)):
        store.processes.beat(
            ProcessBeat(
                f"p{pid}",
                "worker",
                f"worker-{pid}",
                "h1",
                pid,
                started,
                now - timedelta(seconds=age),
                {"batches": 3},
            )
        )
    store.checkpoints.claim_partition("ws:1", "p42", now + timedelta(seconds=60))
    store.checkpoints.save_checkpoint("ws:1", "p42", b"x" * 5000)
    store.close()
    common_width = {"COLUMNS": "200"}
    code, out = _run(["status", "--db", url], {**FR, **common_width})
    text = " ".join(out.split())
    assert code == 0, out
    for french in ("Processus", "démarré le", "dernier signal", "en vie", "mort ?",
                   "6 déc. 2026, 14:05:03", "il y a 25 min", "Partitions des détecteurs",
                   "sous bail", "oui", "4,9 ko", "bus : dans le processus (hub embarqué)",
                   "base de données :"):  # fmt: skip
        assert french in text, (french, text)
    assert re.search(r"il y a \d+,\d s", text), text  # decimal comma
    code, out = _run(["status", "--db", url], {**EN, **common_width})
    text = " ".join(out.split())
    for english in ("Processes", "last beat", "alive", "Dec 6, 2026, 2:05:03 PM", "25 min ago",
                    "4.9 kB", "database:"):  # fmt: skip
        assert english in text, (english, text)
    code, fr_json = _run(["status", "--json", "--db", url], FR)
    code, en_json = _run(["status", "--json", "--db", url], EN)
    assert json.loads(fr_json)["processes"][0]["started"] == started.isoformat()
    assert json.loads(fr_json).keys() == json.loads(en_json).keys()


def test_a_message_is_its_english_and_translates_when_shown() -> None:
    """``M_()``: lower layers raise English (logs, JSON, API and comparisons see exactly
    what they saw before); the command line shows the reader's language, nested
    messages included; a pickled message keeps its msgid."""
    import pickle

    import orjson

    from socialhub.query import parse
    from socialhub.query.errors import QuerySyntaxError

    with pytest.raises(QuerySyntaxError) as caught:
        parse("panne AND")
    message = caught.value.message
    assert message == "AND needs a term after it" and str(caught.value).endswith("(column 7)")
    assert orjson.loads(orjson.dumps({"m": message})) == {"m": "AND needs a term after it"}
    outer = i18n.M_("%(problem)s (query %(name)r)", problem=message, name="q")
    assert outer == "AND needs a term after it (query 'q')"
    again = pickle.loads(pickle.dumps(outer))
    with i18n.use_locale("fr"):
        assert i18n.localised(message) == "AND attend un terme après lui"
        assert i18n.localised(again) == "AND attend un terme après lui (requête 'q')"
        assert i18n.localised(ValueError(outer)) == i18n.localised(outer)
        assert i18n.localised(ValueError("plain")) == "plain"
    with i18n.use_locale("en"):
        assert i18n.localised(again) == "AND needs a term after it (query 'q')"


def test_every_french_translation_keeps_its_fields() -> None:
    """A French text that drops or renames a ``%(name)s`` field would crash when shown."""
    fields = re.compile(r"%\(\w+\)[sdr]")
    wrong = [
        msgid
        for msgid, french in i18n.catalogue("fr").items()
        if isinstance(french, str) and set(fields.findall(msgid)) != set(fields.findall(french))
    ]
    assert wrong == []
