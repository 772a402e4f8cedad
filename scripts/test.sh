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
exec .venv/bin/pytest -q "$@"
