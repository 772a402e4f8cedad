-- Per-workspace settings owned by the enrichment layers (entity dictionaries, custom
-- categories...): one JSON document per key, written by `socialhub apply`.
CREATE TABLE workspace_settings (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
