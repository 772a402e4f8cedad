-- Incidents (issue 14, item 4): one crisis grouping alerts and stories, with owner,
-- status (open -> monitoring -> closed, closed only by a person), playbook checklist
-- and an append-only timeline; on-call pages (item 5); the importance of alerts
-- (item 2). Times are INTEGER milliseconds since the Unix epoch, UTC; JSON is text.

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    severity INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'monitoring', 'closed')),
    category TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    opened_by TEXT NOT NULL DEFAULT 'system',
    opened_at INTEGER NOT NULL,
    importance REAL NOT NULL DEFAULT 0,
    explanation TEXT NOT NULL DEFAULT '[]',
    playbook TEXT NOT NULL DEFAULT '',
    steps TEXT NOT NULL DEFAULT '[]',
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    monitoring_proposed_at INTEGER,
    closed_by TEXT,
    closed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX incidents_workspace ON incidents (workspace_id, status, importance);

-- Which alerts and stories an incident groups (kind 'alert' or 'story').
CREATE TABLE incident_links (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('alert', 'story')),
    ref_id INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, kind, ref_id)
);
CREATE INDEX incident_links_ref ON incident_links (kind, ref_id);

-- The append-only timeline (system and human events).
CREATE TABLE incident_events (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    t INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT 'system',
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- On-call pages: who was paged for which alert or incident, at which escalation level.
CREATE TABLE oncall_pages (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    level INTEGER NOT NULL,
    target TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL
);
CREATE INDEX oncall_pages_subject ON oncall_pages (subject, level);

ALTER TABLE alerts ADD COLUMN importance REAL NOT NULL DEFAULT 0;

-- Watchlists (issue 14, item 3): what a listed voice's post does (never, digest, inapp,
-- email) and the severity floor of its alerts.
ALTER TABLE watchlists ADD COLUMN notify TEXT NOT NULL DEFAULT 'digest';
ALTER TABLE watchlists ADD COLUMN min_severity INTEGER NOT NULL DEFAULT 0;
