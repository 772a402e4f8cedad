"""SQL compilers: parameters only, placeholder style, merging, the SQLite helper function."""

from __future__ import annotations

import sqlite3

import pytest

from socialhub.query import compile_postgres, compile_sqlite, parse, register_sqlite_functions

from .helpers import MIGRATIONS, Databases, make_mention

HOSTILE = [
    'author:"x\' OR 1=1 --"',
    'list:"a\'); DROP TABLE mentions; --"',
    'country:"fr\'--"',
    "lang:\"fr' OR 'a'='a\"",
    '"it\'s" NEAR/2f "l\'été"',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_values_only_travel_as_parameters(text: str) -> None:
    # (site: values go through url_host, which rejects such hosts outright)
    node = parse(text)
    for compile_, placeholder in ((compile_sqlite, "?"), (compile_postgres, "%s")):
        sql, params = compile_(node, workspace_id=3)
        assert "'--" not in sql and "DROP" not in sql and "1=1" not in sql
        assert sql.count(placeholder) == len(params)
    assert "%s" not in compile_sqlite(node)[0]
    assert "?" not in compile_postgres(node)[0]


def test_text_subtrees_are_merged_into_one_search() -> None:
    node = parse('(edf OR "de france") AND panne* NOT gaz AND lang:fr')
    sql, params = compile_sqlite(node)
    assert sql.count("MATCH ?") == 1
    assert params == ['((((("edf") OR ("de" + "france"))) AND ("panne"*)) NOT (("gaz")))', "fr"]
    sql, params = compile_postgres(node)
    assert sql == "(m.search @@ %s::tsquery AND m.lang = %s)"
    assert params[0] == "(((('edf') | (('de' <-> 'france')))) & ('panne':*) & (!('gaz')))"


def test_negatives_without_positive_text_become_one_sql_not() -> None:
    sql, params = compile_sqlite(parse("lang:fr NOT edf NOT gaz"))
    assert sql == (
        "(NOT (m.seq IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?))"
        " AND m.lang = ?)"
    )
    assert params == ['(("edf") OR ("gaz"))', "fr"]


def test_list_scope() -> None:
    sql, params = compile_postgres(parse("list:VIP"), workspace_id=4)
    assert "w.workspace_id = %s" in sql and params == ["vip", 4]
    sql, params = compile_postgres(parse("list:VIP"))
    assert "workspace_id" not in sql and params == ["vip"]


def test_flat_near_is_pure_full_text_nested_near_adds_an_exact_check() -> None:
    flat = parse("(edf OR engie) NEAR/2 panne")
    assert "socialhub_near" not in compile_sqlite(flat)[0]
    assert compile_postgres(flat)[0] == "m.search @@ %s::tsquery"
    nested = parse("(edf NEAR/1 panne) NEAR/3 gaz")
    assert "socialhub_near(m.text, ?)" in compile_sqlite(nested)[0]
    assert "EXISTS (SELECT 1 FROM" in compile_postgres(nested)[0]
    ordered = parse("edf NEAR/2f panne")
    assert "socialhub_near(m.text, ?)" in compile_sqlite(ordered)[0]
    assert compile_postgres(ordered)[0] == "m.search @@ %s::tsquery"


def test_sqlite_needs_the_helper_function(tmp_path: object, query_dbs: Databases) -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript((MIGRATIONS / "sqlite/0001_initial.sql").read_text())
    conn.execute(
        "INSERT INTO mentions (seq, id, platform, native_id, text, created_at, collected_at, "
        "updated_at) VALUES (1, 'x:1', 'x', '1', 'edf en panne', 0, 0, 0)"
    )
    conn.execute("INSERT INTO mentions_fts (rowid, tokens) VALUES (1, 'edf en panne')")
    sql, params = compile_sqlite(parse("edf NEAR/1f panne"))
    with pytest.raises(sqlite3.OperationalError, match="no such function: socialhub_near"):
        conn.execute(f"SELECT m.seq FROM mentions m WHERE {sql}", params).fetchall()
    register_sqlite_functions(conn)
    assert conn.execute(f"SELECT m.seq FROM mentions m WHERE {sql}", params).fetchall() == [(1,)]
    conn.close()


def test_compiled_expression_nests_in_a_larger_where(query_dbs: Databases) -> None:
    query_dbs.load([make_mention(1, "edf panne"), make_mention(2, "edf", lang="en")])
    for compile_, run in (
        (compile_sqlite, lambda s, p: query_dbs.sqlite.execute(s, p).fetchall()),
        (compile_postgres, lambda s, p: query_dbs.pg.execute(s, p).fetchall()),
    ):
        sql, params = compile_(parse("edf OR NOT lang:fr"))
        ph = "?" if compile_ is compile_sqlite else "%s"
        rows = run(f"SELECT m.seq FROM mentions m WHERE m.seq > {ph} AND ({sql})", [1, *params])
        assert rows == [(2,)]
