#!/usr/bin/env bash
# Starts the local services the tests need when they are down (PostgreSQL, NATS).
# Fails loudly when one cannot be started.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up; then
  echo "services: starting PostgreSQL" >&2
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "services: PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started" >&2; exit 1; }
fi
echo "services: PostgreSQL ready" >&2

# NATS with JetStream (the scale-out bus and its contract tests)
NATS_PORT="${NATS_PORT:-4222}"
nats_up() { (exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null; }
if ! nats_up; then
  echo "services: starting NATS (JetStream) on 127.0.0.1:$NATS_PORT" >&2
  command -v nats-server >/dev/null 2>&1 || { echo "services: nats-server is not installed (apt-get install -y nats-server)" >&2; exit 1; }
  NATS_DIR="${SOCIALHUB_NATS_DIR:-/tmp/socialhub-nats}"
  mkdir -p "$NATS_DIR"
  nohup nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$NATS_DIR" >"$NATS_DIR/nats.log" 2>&1 &
  echo $! >"$NATS_DIR/nats.pid"
  for _ in $(seq 1 40); do nats_up && break; sleep 0.25; done
  nats_up || { echo "services: NATS is not reachable on 127.0.0.1:$NATS_PORT and could not be started (see $NATS_DIR/nats.log)" >&2; exit 1; }
fi
echo "services: NATS ready" >&2
