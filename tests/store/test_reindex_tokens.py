"""Migration 0022 (issue 18): a database indexed by the old tokeniser, which split
handles and hashtags at "_", is re-indexed once on upgrade, on both back ends."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from socialhub.store import migrations, open_store, reindex
from socialhub.store.base import Store
from socialhub.store.migrations import Migration
from socialhub.text import MAX_TOKEN_LEN, fold

from .helpers import mention

_OLD_TOKEN = re.compile(r"([#@]?)([^\W_]+)")


def old_index_tokens(text: str) -> list[str]:
    """``index_tokens`` before version 2 (no MAX_TOKENS cut: the texts here are short)."""
    out = []
    for prefix, word in _OLD_TOKEN.findall(fold(text)):
        word = word[:MAX_TOKEN_LEN]
        if prefix:
            out.append(prefix + word)
        out.append(word)
    return out


TEXTS = {
    1: "merci @Laura_Mich75 pour la réponse",
    2: "#Mirabelle_Down depuis ce matin",
    3: "mich75 tout court",
    4: "rien à voir, @laura seule",
    5: "mot_de_passe oublié",
}


def _old_store(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Store:
    """A store migrated up to 0021 whose mentions were indexed by the old tokeniser."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_database")
        url = make()
    store = open_store(url)
    request.addfinalizer(store.close)
    available = migrations.available

    def before_0022(dialect: str) -> list[Migration]:  # a 0021 database: no 0022_* at all
        return [m for m in available(dialect) if m.name < "0022"]

    with monkeypatch.context() as patch:
        patch.setattr(migrations, "available", before_0022)
        patch.setattr("socialhub.store.common.index_tokens", old_index_tokens)
        assert store.db.migrate()[-1].startswith("0021")  # type: ignore[attr-defined]
        store.mentions.add([mention(n, text) for n, text in TEXTS.items()])
    return store


def _found(store: Store, query: str) -> set[int]:
    return {int(m.native_id) for m in store.mentions.search(query)}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_upgrade_reindexes_old_tokens(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _old_store(request, backend, tmp_path, monkeypatch)
    assert _found(store, "mich75") == {1, 3}  # the bug, as the old index has it
    assert _found(store, "@laura") == {1, 4}
    calls: list[tuple[int, int]] = []
    applied = store.migrate(progress=lambda done, total: calls.append((done, total)))
    assert "0022_handles_underscore_tokens" in applied
    # SQLite rebuilt its FTS table: every row; PostgreSQL rewrote the rows holding "_"
    total = 5 if backend == "sqlite" else 3
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert _found(store, "@laura_mich75") == {1}
    assert _found(store, "laura_mich75") == {1}
    assert _found(store, "mich75") == {3}
    assert _found(store, "@laura") == {4}
    assert _found(store, "#mirabelle_down") == {2}
    assert _found(store, "down") == set()
    assert _found(store, "#mirabelle*") == {2}
    assert _found(store, "mot_de_passe") == {5}
    assert _found(store, "rien") == {4}  # rows without "_" still found
    assert store.db._rows("SELECT count(*) FROM search_reindex") == [(0,)]  # type: ignore[attr-defined]
    assert store.migrate() == []  # nothing left: a second run does nothing
    assert _found(store, "@laura_mich75") == {1}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_interrupted_reindex_resumes(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _old_store(request, backend, tmp_path, monkeypatch)
    monkeypatch.setattr(reindex, "CHUNK", 1)

    def crash_after_first(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.migrate(progress=crash_after_first)
    (after,) = store.db._rows("SELECT after_seq FROM search_reindex")[0]  # type: ignore[attr-defined]
    assert after == 1  # the first chunk committed, the rest is left
    store.mentions.add([mention(9, "après coup @laura_mich75")])  # indexed by the new code
    calls: list[tuple[int, int]] = []
    assert store.migrate(progress=lambda done, total: calls.append((done, total))) == []
    assert calls[-1][0] == (4 if backend == "sqlite" else 2)  # only what was left
    assert _found(store, "@laura_mich75") == {1, 9}
    assert _found(store, "mich75") == {3}
    assert _found(store, "#mirabelle_down") == {2}
    if backend == "sqlite":  # each row indexed once: deleting them all leaves no token
        assert store.db._rows(  # type: ignore[attr-defined]
            "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'rien'"
        ) == [(1,)]


def test_db_upgrade_reports_the_reindex(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from socialhub.cli.main import app

    store = _old_store(request, "sqlite", tmp_path, monkeypatch)
    store.close()
    db = f"sqlite:///{tmp_path / 'old.db'}"
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "0022_handles_underscore_tokens" in report["applied_now"]
    assert report["reindexed"] == len(TEXTS)
    upgraded = open_store(db)
    request.addfinalizer(upgraded.close)
    assert _found(upgraded, "@laura_mich75") == {1}
    assert _found(upgraded, "mich75") == {3}
    again = CliRunner().invoke(app, ["db", "upgrade", "--db", db, "--json"])
    assert json.loads(again.stdout)["reindexed"] == 0  # a second run: nothing left


def test_db_upgrade_says_how_many_were_reindexed_in_french(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from socialhub.cli.main import app

    _old_store(request, "sqlite", tmp_path, monkeypatch).close()
    db = f"sqlite:///{tmp_path / 'old.db'}"
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", db], env={"SOCIALHUB_LOCALE": "fr"})
    assert result.exit_code == 0, result.output
    assert "Recherche réindexée : 5 mentions." in result.output
