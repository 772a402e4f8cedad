-- Reports (issue 7): the archive of built reports (HTML and PDF), their delivery log,
-- and the persisted state of each workspace's report schedules. JSON columns are JSONB.

CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    schedule TEXT NOT NULL DEFAULT '',
    period_start TIMESTAMPTZ NOT NULL,
    period_end TIMESTAMPTZ NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'built', 'sent', 'failed')),
    data JSONB NOT NULL DEFAULT '{}',
    html TEXT NOT NULL DEFAULT '',
    pdf BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- One report per slot of a schedule: claiming a slot twice finds the first claim.
CREATE UNIQUE INDEX reports_slot ON reports (workspace_id, schedule, period_end)
    WHERE schedule <> '';
CREATE INDEX reports_workspace ON reports (workspace_id, period_end);

CREATE TABLE report_deliveries (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    recipients TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_deliveries_report ON report_deliveries (report_id, id);

CREATE TABLE report_schedules (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    last_slot TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, name)
);
