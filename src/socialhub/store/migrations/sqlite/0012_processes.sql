-- Scale-out (issue 8): detector checkpoints partitioned by workspace, with the lease of
-- the detector process that owns each partition, and the heartbeats of every process
-- (`socialhub status`). Times are INTEGER milliseconds since the Unix epoch, UTC.

CREATE TABLE detector_checkpoints (
    partition TEXT PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0,
    state BLOB,
    saved_at INTEGER,
    updated_at INTEGER NOT NULL
);

CREATE TABLE process_heartbeats (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    beat_at INTEGER NOT NULL,
    info TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX process_heartbeats_role ON process_heartbeats (role, beat_at);
