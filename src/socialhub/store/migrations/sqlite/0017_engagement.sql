-- Engagement (issue 16): the organisation's official accounts, the inbox per workspace,
-- saved replies, drafts and their approvals. Every decision is also written to the
-- "audit" hash chain (chain_entries, 0016) in the same transaction. Times are INTEGER
-- milliseconds since the Unix epoch, UTC; lists are JSON text.

CREATE TABLE official_accounts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    display TEXT NOT NULL DEFAULT '',
    native_id TEXT NOT NULL DEFAULT '',
    workspaces TEXT NOT NULL DEFAULT '[]',
    credentials TEXT NOT NULL DEFAULT '{}',
    api_base TEXT NOT NULL DEFAULT '',
    two_approvers INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL,
    UNIQUE (platform, handle)
);

CREATE TABLE inbox_items (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    account_id INTEGER REFERENCES official_accounts(id) ON DELETE SET NULL,
    priority REAL NOT NULL DEFAULT 0,
    why TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'new',
    assignee TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    posted_at INTEGER NOT NULL,
    entered_at INTEGER NOT NULL,
    first_response_at INTEGER,
    answered_by TEXT NOT NULL DEFAULT '',
    closed_at INTEGER,
    UNIQUE (workspace_id, mention_id)
);
CREATE INDEX inbox_items_queue ON inbox_items (workspace_id, status, priority);

CREATE TABLE inbox_opens (
    item_id INTEGER NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (item_id, username)
);

CREATE TABLE reply_templates (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'fr',
    created_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    item_id INTEGER REFERENCES inbox_items(id) ON DELETE SET NULL,
    account_id INTEGER NOT NULL REFERENCES official_accounts(id),
    kind TEXT NOT NULL,
    reply_to TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    reply_settings TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    approvals_needed INTEGER NOT NULL DEFAULT 1,
    scheduled_at INTEGER,
    client_key TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    published_id TEXT NOT NULL DEFAULT '',
    published_url TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX drafts_queue ON drafts (status, scheduled_at);
CREATE INDEX drafts_workspace ON drafts (workspace_id, status);

CREATE TABLE draft_approvals (
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL,
    PRIMARY KEY (draft_id, username)
);
