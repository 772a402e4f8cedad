-- Wall of screens (issue 6): read-only kiosk tokens. A token opens one wall of one
-- workspace without a login; only its SHA-256 is stored, and it can be revoked.
-- Wall layouts themselves are data in the workspace setting "walls".
-- Times are INTEGER milliseconds since the Unix epoch, UTC.

CREATE TABLE wall_tokens (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    wall TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX wall_tokens_workspace ON wall_tokens (workspace_id, wall);
