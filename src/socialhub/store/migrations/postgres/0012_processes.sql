-- Scale-out (issue 8): detector checkpoints partitioned by workspace, with the lease of
-- the detector process that owns each partition, and the heartbeats of every process
-- (`socialhub status`).

CREATE TABLE detector_checkpoints (
    partition TEXT PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ NOT NULL DEFAULT 'epoch',
    state BYTEA,
    saved_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE process_heartbeats (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    beat_at TIMESTAMPTZ NOT NULL,
    info JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX process_heartbeats_role ON process_heartbeats (role, beat_at);
