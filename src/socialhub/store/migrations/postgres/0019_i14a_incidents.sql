-- Incidents (issue 14, item 4): one crisis grouping alerts and stories, with owner,
-- status (open -> monitoring -> closed, closed only by a person), playbook checklist
-- and an append-only timeline; on-call pages (item 5); the importance of alerts
-- (item 2). Times are TIMESTAMPTZ; JSON is JSONB.

CREATE TABLE incidents (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    severity INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'monitoring', 'closed')),
    category TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    opened_by TEXT NOT NULL DEFAULT 'system',
    opened_at TIMESTAMPTZ NOT NULL,
    importance DOUBLE PRECISION NOT NULL DEFAULT 0,
    explanation JSONB NOT NULL DEFAULT '[]',
    playbook TEXT NOT NULL DEFAULT '',
    steps JSONB NOT NULL DEFAULT '[]',
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMPTZ,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    monitoring_proposed_at TIMESTAMPTZ,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX incidents_workspace ON incidents (workspace_id, status, importance);

-- Which alerts and stories an incident groups (kind 'alert' or 'story').
CREATE TABLE incident_links (
    incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('alert', 'story')),
    ref_id BIGINT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, kind, ref_id)
);
CREATE INDEX incident_links_ref ON incident_links (kind, ref_id);

-- The append-only timeline (system and human events).
CREATE TABLE incident_events (
    id BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    t TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL DEFAULT 'system',
    details JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- On-call pages: who was paged for which alert or incident, at which escalation level.
CREATE TABLE oncall_pages (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    level INTEGER NOT NULL,
    target TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oncall_pages_subject ON oncall_pages (subject, level);

ALTER TABLE alerts ADD COLUMN importance DOUBLE PRECISION NOT NULL DEFAULT 0;

-- Watchlists (issue 14, item 3): what a listed voice's post does (never, digest, inapp,
-- email) and the severity floor of its alerts.
ALTER TABLE watchlists ADD COLUMN notify TEXT NOT NULL DEFAULT 'digest';
ALTER TABLE watchlists ADD COLUMN min_severity INTEGER NOT NULL DEFAULT 0;
