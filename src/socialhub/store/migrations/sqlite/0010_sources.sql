-- Connector coordinator (issue 4 part 10): saved cursors, health and dead letters.
-- source_state: one row per (source, target) with the connector's opaque cursor (JSON),
-- written after the page's mentions were emitted, so a restart resumes from it.
-- source_health: the coordinator's health and completeness document per source (JSON).
-- dead_letters: payloads or items that failed parsing/normalisation, with the reason.
-- Times are INTEGER milliseconds since the Unix epoch, UTC; JSON columns are text.

CREATE TABLE source_state (
    source TEXT NOT NULL,
    target_key TEXT NOT NULL,
    cursor TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (source, target_key)
);

CREATE TABLE source_health (
    source TEXT PRIMARY KEY,
    health TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE INDEX dead_letters_source ON dead_letters (source, created_at);
