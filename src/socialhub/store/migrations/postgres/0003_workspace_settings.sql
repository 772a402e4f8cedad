-- Per-workspace settings owned by the enrichment layers (entity dictionaries, custom
-- categories...): one JSON document per key, written by `socialhub apply`.
CREATE TABLE workspace_settings (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, key)
);
