-- Alerts (issue 5 parts 8 and 9): alert records, their audit trail, the delivery log,
-- in-app notifications and the per-rule threshold multipliers learnt from feedback.
-- JSON columns are JSONB.
-- query_id has no foreign key: an alert outlives the query it was about (audit).

CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,
    query_id BIGINT,
    rule TEXT NOT NULL,
    detector TEXT NOT NULL,
    version TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    severity INTEGER NOT NULL,
    peak_severity INTEGER NOT NULL,
    trend TEXT NOT NULL DEFAULT 'rising',
    observed DOUBLE PRECISION NOT NULL,
    baseline DOUBLE PRECISION NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    multiplier DOUBLE PRECISION NOT NULL DEFAULT 1,
    params JSONB NOT NULL DEFAULT '{}',
    evidence JSONB NOT NULL DEFAULT '[]',
    extra JSONB NOT NULL DEFAULT '{}',
    provenance JSONB NOT NULL DEFAULT '{}',
    signals INTEGER NOT NULL DEFAULT 1,
    first_t TIMESTAMPTZ NOT NULL,
    last_t TIMESTAMPTZ NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMPTZ,
    resolved_by TEXT,
    resolved_at TIMESTAMPTZ,
    resolution TEXT,
    feedback BOOLEAN,
    feedback_by TEXT,
    feedback_at TIMESTAMPTZ,
    feedback_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- The manager looks up a rule's latest alert at every signal.
CREATE INDEX alerts_rule ON alerts (rule, last_t);
CREATE INDEX alerts_workspace ON alerts (workspace_id, last_t);
CREATE INDEX alerts_state ON alerts (state, last_t);

CREATE TABLE alert_events (
    id BIGSERIAL PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    t TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL DEFAULT 'system',
    details JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

CREATE TABLE alert_deliveries (
    id BIGSERIAL PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'capped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
-- Rate caps count a channel's recent sends.
CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel, at);
CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,
    alert_id BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    username TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    severity INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX notifications_workspace ON notifications (workspace_id, created_at);
CREATE INDEX notifications_alert ON notifications (alert_id);

CREATE TABLE alert_tuning (
    rule TEXT PRIMARY KEY,
    workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,
    detector TEXT NOT NULL,
    key TEXT NOT NULL,
    multiplier DOUBLE PRECISION NOT NULL DEFAULT 1,
    true_alarms INTEGER NOT NULL DEFAULT 0,
    false_alarms INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);
