"""``socialhub import`` into PostgreSQL (COPY into staging tables, then ``INSERT … ON
CONFLICT``): an import killed in the middle of a batch (SIGKILL while the COPY of its
transaction streams) and run again neither loses nor duplicates a mention, a re-run
changes nothing, and the result equals the same file imported into SQLite (rows,
full-text answers, authors)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from socialhub.ingest.importer import import_file
from socialhub.models import Author, Engagement
from socialhub.serialize import mention_to_dict
from socialhub.store.postgres import PostgresStore
from socialhub.store.sqlite import SqliteStore

from .helpers import T0, mention

N, BATCH = 300, 50
WORDS = ("acme", "panne", "facture", "énergie", "#lyon", "@acmesupport", "bonjour")

# The child imports the file and dies by SIGKILL on the KILL_AT-th COPY of the store's
# write path (each batch COPYs its authors, then its mentions): mid-transaction.
CHILD = """
import os, signal, sys
from socialhub.ingest.importer import import_file
from socialhub.store import open_store
from socialhub.store import postgres
calls = [0]
real = postgres._copy
def dying(cur, table, columns, rows):
    calls[0] += 1
    if calls[0] == int(os.environ["KILL_AT"]):
        rows = iter(rows)
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write_row(next(rows))
            os.kill(os.getpid(), signal.SIGKILL)
    real(cur, table, columns, rows)
postgres._copy = dying
store = open_store(sys.argv[2])
import_file(sys.argv[1], store, batch_size=int(os.environ["BATCH"]))
"""


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "export.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N):
            m = mention(
                i,
                text=" ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + i % 5)),
                created_at=T0 + timedelta(days=i % 70, minutes=i),  # three months
                author=Author("x", f"u{i % 17}", handle=f"@u{i % 17}", followers=i),
                engagement=Engagement(likes=i % 11, reposts=i % 3),
                raw={"id": i, "text": "…"},
            )
            record = mention_to_dict(m)
            record.pop("query_ids", None)
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return path


def _state(store: PostgresStore | SqliteStore) -> dict[str, object]:
    found = store.mentions.search(None, limit=N + 10)
    rows = [
        (m.id, m.text, m.created_at, m.author.id if m.author else None, m.engagement.likes,
         m.raw_sha256)
        for m in found
    ]  # fmt: skip
    queries = ("acme", '"panne facture"', "#lyon", "@acmesupport", "energie NOT acme")
    return {
        "mentions": sorted(rows),
        "counts": {q: store.mentions.count(q) for q in queries},
        "authors": store.db._rows("SELECT count(*) FROM authors")[0][0],
    }


def test_killed_import_resumes_without_loss_or_duplicates(
    pg_store: PostgresStore, sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    path = _file(tmp_path)
    env = {**os.environ, "KILL_AT": str(2 * 3 + 2), "BATCH": str(BATCH)}  # 4th batch's mentions
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), pg_store.url], env=env, capture_output=True
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    keys = pg_store.db._rows("SELECT count(*) FROM mention_keys")[0][0]
    assert pg_store.mentions.count() == keys == 3 * BATCH  # the killed batch left nothing

    report = import_file(path, pg_store, batch_size=BATCH)
    assert report.inserted == N - 3 * BATCH and report.unchanged == 3 * BATCH
    again = import_file(path, pg_store, batch_size=BATCH)
    assert again.inserted == 0 and again.unchanged == N
    rows = pg_store.db._rows(
        "SELECT (SELECT count(*) FROM mentions), (SELECT count(DISTINCT id) FROM mentions), "
        "(SELECT count(*) FROM mention_keys)"
    )
    assert tuple(rows[0]) == (N, N, N)

    import_file(path, sqlite_store, batch_size=BATCH)
    pg, lite = _state(pg_store), _state(sqlite_store)
    assert pg == lite
    assert pg["counts"]["acme"] > 0  # type: ignore[index]
