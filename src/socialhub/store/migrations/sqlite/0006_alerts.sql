-- Alerts (issue 5 parts 8 and 9): alert records, their audit trail, the delivery log,
-- in-app notifications and the per-rule threshold multipliers learnt from feedback.
-- Times are INTEGER milliseconds since the Unix epoch, UTC; JSON columns are text.
-- query_id has no foreign key: an alert outlives the query it was about (audit).

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,
    query_id INTEGER,
    rule TEXT NOT NULL,
    detector TEXT NOT NULL,
    version TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    severity INTEGER NOT NULL,
    peak_severity INTEGER NOT NULL,
    trend TEXT NOT NULL DEFAULT 'rising',
    observed REAL NOT NULL,
    baseline REAL NOT NULL,
    threshold REAL NOT NULL,
    score REAL NOT NULL,
    multiplier REAL NOT NULL DEFAULT 1,
    params TEXT NOT NULL DEFAULT '{}',
    evidence TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '{}',
    signals INTEGER NOT NULL DEFAULT 1,
    first_t INTEGER NOT NULL,
    last_t INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    resolved_by TEXT,
    resolved_at INTEGER,
    resolution TEXT,
    feedback INTEGER CHECK (feedback IN (0, 1)),
    feedback_by TEXT,
    feedback_at INTEGER,
    feedback_note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- The manager looks up a rule's latest alert at every signal.
CREATE INDEX alerts_rule ON alerts (rule, last_t);
CREATE INDEX alerts_workspace ON alerts (workspace_id, last_t);
CREATE INDEX alerts_state ON alerts (state, last_t);

CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    t INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT 'system',
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'capped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL
);
-- Rate caps count a channel's recent sends.
CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel, at);
CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    username TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    severity INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_workspace ON notifications (workspace_id, created_at);
CREATE INDEX notifications_alert ON notifications (alert_id);

CREATE TABLE alert_tuning (
    rule TEXT PRIMARY KEY,
    workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,
    detector TEXT NOT NULL,
    key TEXT NOT NULL,
    multiplier REAL NOT NULL DEFAULT 1,
    true_alarms INTEGER NOT NULL DEFAULT 0,
    false_alarms INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
