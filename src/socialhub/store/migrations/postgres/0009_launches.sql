-- Competitor launch monitor (issue 5 part 6): launches with their measured curves.
-- A launch is a query and a time; once measured, its curve (mentions, reach,
-- engagement, expected volume, our brand's volume per bucket) and summary metrics are
-- kept so later launches are ranked against it (the library). JSON columns are JSONB.

CREATE TABLE launches (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL UNIQUE,
    query TEXT NOT NULL,
    brand_query TEXT NOT NULL DEFAULT '',
    launch_at TIMESTAMPTZ NOT NULL,
    window_s INTEGER NOT NULL CHECK (window_s > 0),
    bucket_s INTEGER NOT NULL CHECK (bucket_s > 0),
    source TEXT NOT NULL DEFAULT 'user',
    outcome TEXT,
    in_library BOOLEAN NOT NULL DEFAULT TRUE,
    curve JSONB,
    metrics JSONB,
    score DOUBLE PRECISION,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX launches_workspace ON launches (workspace_id, launch_at);
