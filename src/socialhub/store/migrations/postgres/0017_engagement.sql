-- Engagement (issue 16): the organisation's official accounts, the inbox per workspace,
-- saved replies, drafts and their approvals. Every decision is also written to the
-- "audit" hash chain (chain_entries, 0016) in the same transaction. Times are TIMESTAMPTZ;
-- lists are JSON text.

CREATE TABLE official_accounts (
    id BIGSERIAL PRIMARY KEY,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    display TEXT NOT NULL DEFAULT '',
    native_id TEXT NOT NULL DEFAULT '',
    workspaces TEXT NOT NULL DEFAULT '[]',
    credentials TEXT NOT NULL DEFAULT '{}',
    api_base TEXT NOT NULL DEFAULT '',
    two_approvers BOOLEAN NOT NULL DEFAULT false,
    active BOOLEAN NOT NULL DEFAULT true,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (platform, handle)
);

CREATE TABLE inbox_items (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    account_id BIGINT REFERENCES official_accounts(id) ON DELETE SET NULL,
    priority DOUBLE PRECISION NOT NULL DEFAULT 0,
    why TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'new',
    assignee TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    posted_at TIMESTAMPTZ NOT NULL,
    entered_at TIMESTAMPTZ NOT NULL,
    first_response_at TIMESTAMPTZ,
    answered_by TEXT NOT NULL DEFAULT '',
    closed_at TIMESTAMPTZ,
    UNIQUE (workspace_id, mention_id)
);
CREATE INDEX inbox_items_queue ON inbox_items (workspace_id, status, priority);

CREATE TABLE inbox_opens (
    item_id BIGINT NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, username)
);

CREATE TABLE reply_templates (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'fr',
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE drafts (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    item_id BIGINT REFERENCES inbox_items(id) ON DELETE SET NULL,
    account_id BIGINT NOT NULL REFERENCES official_accounts(id),
    kind TEXT NOT NULL,
    reply_to TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    reply_settings TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    approvals_needed INTEGER NOT NULL DEFAULT 1,
    scheduled_at TIMESTAMPTZ,
    client_key TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    published_id TEXT NOT NULL DEFAULT '',
    published_url TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX drafts_queue ON drafts (status, scheduled_at);
CREATE INDEX drafts_workspace ON drafts (workspace_id, status);

CREATE TABLE draft_approvals (
    draft_id BIGINT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (draft_id, username)
);
