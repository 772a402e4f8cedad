-- Reports (issue 7): the archive of built reports (HTML and PDF), their delivery log,
-- and the persisted state of each workspace's report schedules.
-- Times are INTEGER milliseconds since the Unix epoch, UTC; JSON columns are text.

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    schedule TEXT NOT NULL DEFAULT '',
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'built', 'sent', 'failed')),
    data TEXT NOT NULL DEFAULT '{}',
    html TEXT NOT NULL DEFAULT '',
    pdf BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One report per slot of a schedule: claiming a slot twice finds the first claim.
CREATE UNIQUE INDEX reports_slot ON reports (workspace_id, schedule, period_end)
    WHERE schedule <> '';
CREATE INDEX reports_workspace ON reports (workspace_id, period_end);

CREATE TABLE report_deliveries (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    recipients TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL
);
CREATE INDEX report_deliveries_report ON report_deliveries (report_id, id);

CREATE TABLE report_schedules (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    last_slot INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, name)
);
