#!/usr/bin/env bash
# Installs everything, starts the services the tests need, then lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
.venv/bin/ruff check src tests bench scripts
.venv/bin/ruff format --check src tests bench scripts
.venv/bin/mypy
.venv/bin/python scripts/check_install.py  # runs with [project].dependencies only
# Two pytest workers (the CI machine has 2 cores; most tests wait on PostgreSQL, NATS,
# Chromium or subprocesses). worksteal keeps the other worker busy while one runs the
# long multi-process scale test. Each worker has its own PostgreSQL database (conftest)
# and every NATS test its own stream prefix. SOCIALHUB_TEST_WORKERS=0 runs in one process.
exec .venv/bin/pytest -q -n "${SOCIALHUB_TEST_WORKERS:-2}" --dist worksteal "$@"
