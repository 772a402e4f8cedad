"""schemathesis against the OpenAPI document: no operation answers a server error.

Runs in-process on the ASGI app (no server), authenticated with an API token of a site
administrator so every operation is reachable. The SSE routes stream forever and are
left out (their handshake is covered by the live and wall tests). Few examples per
operation, so the whole run stays well under a minute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case

from socialhub.store.sqlite import SqliteStore
from socialhub.web.auth import create_token

from .helpers import NOW, Clock, build_world

pytestmark = pytest.mark.slow  # end to end: every API operation

STREAMING = ("/live",)


def _schema(tmp: Path) -> tuple[Any, str]:
    store = SqliteStore(f"sqlite:///{tmp / 'schemathesis.db'}")
    store.migrate()
    world = build_world(store, Clock())
    token, _ = create_token(store, world.users["root"].id or 0, "schemathesis", NOW)
    app = world.app()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema, token


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    yield _schema(tmp_path_factory.mktemp("st"))


def test_no_server_error_on_any_operation(api: tuple[Any, str]) -> None:
    schema, token = api
    auth = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    checked: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith(STREAMING):
            continue
        checked.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy())
        @settings(
            max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6")),
            deadline=None,
            database=None,
            # the same cases on every CI run; SCHEMATHESIS_RANDOM=1 explores new ones
            derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case: Case) -> None:
            # random slugs would all answer 404: aim at a real workspace and wall
            params = case.path_parameters or {}
            if "slug" in params:
                params["slug"] = "com"
            if "wall" in params:
                params["wall"] = "main"
            # schemathesis' default 10 s read timeout is a wall-clock limit: building a
            # report PDF passed it on a loaded CI machine (speed is measured in bench/)
            response = case.call(headers=auth, timeout=120)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:200]}"
                )

        run()
    assert len(checked) > 30, checked
    assert failures == []
