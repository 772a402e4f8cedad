-- Wall of screens (issue 6): read-only kiosk tokens. A token opens one wall of one
-- workspace without a login; only its SHA-256 is stored, and it can be revoked.
-- Wall layouts themselves are data in the workspace setting "walls".

CREATE TABLE wall_tokens (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    wall TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX wall_tokens_workspace ON wall_tokens (workspace_id, wall);
