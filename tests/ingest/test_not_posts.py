"""twarc2 files that hold no posts (accounts, counts, lists, compliance records) are
refused whole with one message saying what they hold, and nothing is quarantined."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from socialhub.cli import common
from socialhub.cli.main import app
from socialhub.i18n import localised, use_locale
from socialhub.ingest import ImportFormatError, import_file
from socialhub.ingest.detect import non_post_kind
from socialhub.store.base import Store

TWARC = {"url": "https://api.twitter.com/2/x", "version": "2.8.2", "retrieved_at": "2021-10-17"}
USER = {"id": "119369819", "username": "DoDirty78", "name": "D", "created_at": "2010-03-03"}
COUNT = {"start": "2021-10-16T18:21:34.000Z", "end": "2021-10-16T19:00:00.000Z", "tweet_count": 3}
LIST = {"id": "1354802865349435396", "name": "Partners", "member_count": 3, "owner_id": "1"}
COMPLIANCE = {"id": "1170025343920402432", "action": "delete", "reason": "protected",
              "created_at": "2019-09-06T17:25:54.667Z"}  # fmt: skip
TWEET = {"id": "1", "text": "bonjour", "author_id": "2", "created_at": "2021-10-16T18:21:34Z"}


def _lines(*values: object) -> list[bytes | None]:
    return [orjson.dumps(v) for v in values]


def test_kind_is_read_from_the_first_record() -> None:
    assert non_post_kind(_lines({"data": [USER, USER], "__twarc": TWARC})) == "users"
    assert non_post_kind(_lines({"data": [COUNT], "meta": {}, "__twarc": TWARC})) == "counts"
    assert non_post_kind(_lines({"data": [LIST], "meta": {}})) == "lists"
    assert non_post_kind([b"", *_lines(COMPLIANCE, COMPLIANCE)]) == "compliance"
    assert non_post_kind(_lines({**USER, "__twarc": TWARC})) == "users"  # flattened
    # posts, mixed pages and flat records with an id and an action still import
    assert non_post_kind(_lines({"data": [TWEET], "__twarc": TWARC})) is None
    assert non_post_kind(_lines({"data": [USER, TWEET]})) is None
    assert non_post_kind(_lines({**COMPLIANCE, "text": "hello"})) is None
    assert non_post_kind(_lines({"id": "1", "action": "x", "author": "a"})) is None
    assert non_post_kind([None, b"not json"]) is None


@pytest.mark.parametrize(
    ("records", "said"),
    [
        ([{"data": [USER] * 3, "__twarc": TWARC}], "des comptes, pas de publications"),
        ([{"data": [COUNT] * 3, "__twarc": TWARC}], "des décomptes de publications, pas de"),
        ([{"data": [LIST], "__twarc": TWARC}], "des listes de comptes, pas de publications"),
        ([COMPLIANCE, COMPLIANCE], "des avis de conformité (publications et comptes"),
    ],
)
def test_import_refuses_the_file_and_quarantines_nothing(
    sqlite_store: Store, tmp_path: Path, records: list[object], said: str
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    with pytest.raises(ImportFormatError) as caught:
        import_file(path, sqlite_store)
    with use_locale("fr"):
        assert "ce fichier twarc2 contient " + said in localised(caught.value)
    assert sqlite_store.sources.list_quarantine() == []
    assert sqlite_store.mentions.count() == 0


def test_cli_says_it_once_in_french(tmp_path: Path) -> None:
    common.out.width = common.console.width = 200
    path = tmp_path / "users.jsonl"
    path.write_bytes(orjson.dumps({"data": [USER] * 96, "__twarc": TWARC}) + b"\n")
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"]
    result = CliRunner().invoke(app, ["import", str(path), *db], env={"SOCIALHUB_LOCALE": "fr"})
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert said.count("ce fichier twarc2 contient des comptes, pas de publications") == 1
    assert "texte manquant" not in said and "quarantaine" not in said
