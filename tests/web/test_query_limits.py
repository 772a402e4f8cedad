"""Every route that parses a query answers 400 naming the limit for deep or huge queries
(before: RecursionError -> 500 at 200 levels, reset connections at 10,000)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from socialhub.cli.main import app

Login = Callable[[str], TestClient]

QUERIES = {
    "parens200": "(" * 200 + "mirabelle" + ")" * 200,
    "parens10000": "(" * 10_000 + "mirabelle" + ")" * 10_000,
    "not10000": "mirabelle AND " + "NOT " * 10_000 + "panne",
}
ROUTES = [
    "/api/workspaces/com/mentions",
    "/api/workspaces/com/count",
    "/api/workspaces/com/facets",
    "/api/workspaces/com/explore/facets",
    "/api/workspaces/com/export",
    "/api/workspaces/com/lint",
    "/api/workspaces/com/live",
]


@pytest.mark.parametrize("query", list(QUERIES.values()), ids=list(QUERIES))
def test_every_query_route_answers_400_naming_the_limit(as_user: Login, query: str) -> None:
    client = as_user("admin")
    for route in ROUTES:
        r = client.get(route, params={"q": query})
        assert r.status_code == 400, (route, r.status_code, r.text[:200])
        body = r.json()
        assert body["error"] == "query_syntax", route
        assert "limit" in body["message"], (route, body)
    # the page stays usable afterwards: a normal query still answers
    assert client.get(ROUTES[1], params={"q": "mirabelle"}).json()["count"] >= 1


def test_saving_a_query_over_the_limit_is_a_400(as_user: Login) -> None:
    client = as_user("admin")
    csrf = client.get("/api/me").json()["csrf_token"]
    r = client.post(
        "/api/workspaces/com/queries",
        json={"name": "deep", "definition": "NOT " * 1000 + "a"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 400, r.text
    assert "limit" in r.json()["message"]


@pytest.mark.parametrize("query", list(QUERIES.values()), ids=list(QUERIES))
def test_cli_search_exits_2_naming_the_limit(tmp_path: Path, query: str) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(app, ["search", query, "--db", db])
    assert result.exit_code == 2, result.output[-500:]
    assert "limit" in result.output
    assert "Traceback" not in result.output
