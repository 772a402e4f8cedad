"""/openapi.json describes every JSON answer of the API, and real answers follow it.

Every ``/api`` operation declares a response model (``socialhub.web.responses``): its
success answer has a schema with named properties, never ``{}`` or a bare object. Then
the real answers of every GET route of the test world (and a few writes) are validated
against the document with a JSON Schema validator (``jsonschema_rs``, which
schemathesis brings), so a model that says one thing while the handler sends another
fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from socialhub.records.alerts import Alert
from socialhub.store.sqlite import SqliteStore
from socialhub.web.auth import create_token

from .helpers import NOW, Clock, World, build_world, csrf_of, login

# streamed answers (server-sent events, CSV): not JSON, declared with their own class
STREAMED = {"/api/workspaces/{slug}/live", "/api/kiosk/{slug}/{wall}/live"}
STREAMED |= {"/api/workspaces/{slug}/export"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, TestClient, str]]:
    store = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('oa') / 'oa.db'}")
    store.migrate()
    world = build_world(store, Clock())
    com = world.ws["com"].id or 0
    t = NOW - timedelta(hours=1)
    store.alerts.save_alert(
        Alert("volume:r", "volume", "1", "k1", "volume 7", 7, t, t, 10.0, 2.0, 5.0, 3.0,
              workspace_id=com, query_id=world.queries["brand"].id)
    )  # fmt: skip
    token, _ = create_token(store, world.users["root"].id or 0, "openapi", NOW)
    with TestClient(world.app()) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield world, client, token
    store.close()


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _success(op: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    code = next(c for c in op["responses"] if c.startswith("2"))
    return code, op["responses"][code]


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        if path.startswith("/api"):
            for method, op in ops.items():
                yield method, path, op


def test_every_api_answer_has_a_schema_with_properties(api: tuple[World, TestClient, str]) -> None:
    _, client, _ = api
    doc = client.get("/openapi.json").json()
    untyped: list[str] = []
    checked = 0
    for method, path, op in _operations(doc):
        _, response = _success(op)
        if path in STREAMED:
            assert "application/json" not in response.get("content", {}), path
            continue
        checked += 1
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if not _resolve(doc, schema).get("properties"):
            untyped.append(f"{method.upper()} {path}: {schema}")
    assert not untyped, "\n".join(untyped)
    assert checked >= 70  # every JSON operation of the API (75 with the 3 streamed)


def _validator(doc: dict[str, Any], method: str, path: str) -> Any:
    _, response = _success(doc["paths"][path][method])
    schema = response["content"]["application/json"]["schema"]
    return jsonschema_rs.Draft202012Validator({**schema, "components": doc["components"]})


def _url(path: str, mention_id: str) -> str:
    url = path.replace("{slug}", "com").replace("{mention_id:path}", mention_id)
    url = url.replace("{mention_id}", mention_id)
    return re.sub(r"\{[a-z_]+\}", "1", url)


def test_real_answers_follow_the_document(api: tuple[World, TestClient, str]) -> None:
    _, client, _ = api
    doc = client.get("/openapi.json").json()
    mention_id = client.get("/api/workspaces/com/mentions").json()["items"][0]["id"]
    validated: list[str] = []
    for method, path, _ in _operations(doc):
        if method != "get" or path in STREAMED or "{wall}" in path:
            continue
        r = client.get(_url(path, mention_id))
        if r.status_code != 200:  # no story, report, case or inbox item with id 1 here
            continue
        errors = [e.message for e in _validator(doc, "get", path).iter_errors(r.json())]
        assert not errors, f"GET {path}: {errors[:3]}"
        validated.append(path)
    assert len(validated) >= 35, validated
    for must in ("/mentions", "/alerts", "/mentions/{mention_id}", "/facets", "/volume"):
        assert f"/api/workspaces/{{slug}}{must}" in validated


def test_written_answers_follow_the_document(api: tuple[World, TestClient, str]) -> None:
    world, client, _ = api
    doc = client.get("/openapi.json").json()
    with world.client() as browser:  # a token is made from a browser session only
        login(browser, "root")
        token = browser.post(
            "/api/me/tokens", json={"name": "script"}, headers={"X-CSRF-Token": csrf_of(browser)}
        )
    assert token.status_code == 201
    assert not list(_validator(doc, "post", "/api/me/tokens").iter_errors(token.json()))
    assert token.json()["token"] and token.json()["prefix"]
    body = {"name": "Nouvelle", "definition": "prune OR reine-claude"}
    query = client.post("/api/workspaces/com/queries", json=body)
    assert query.status_code == 201
    path = "/api/workspaces/{slug}/queries"
    assert not list(_validator(doc, "post", path).iter_errors(query.json()))
    alert_id = client.get("/api/workspaces/com/alerts").json()["items"][0]["id"]
    ack = client.post(f"/api/workspaces/com/alerts/{alert_id}/ack")
    assert ack.status_code == 200 and ack.json()["state"] == "acknowledged"
    path = "/api/workspaces/{slug}/alerts/{alert_id}/ack"
    assert not list(_validator(doc, "post", path).iter_errors(ack.json()))


def test_the_mention_model_keeps_every_field_of_the_record() -> None:
    import dataclasses

    from socialhub.models import Mention
    from socialhub.web.responses import MentionOut

    fields = {f.name for f in dataclasses.fields(Mention)} - {"raw"}
    assert fields <= set(MentionOut.model_fields)
