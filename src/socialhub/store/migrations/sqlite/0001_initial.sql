-- socialhub initial schema, SQLite flavour. Times are INTEGER milliseconds since the
-- Unix epoch, UTC. JSON columns hold text produced by orjson.

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE TABLE memberships (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'press', 'legal', 'viewer')),
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE queries (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE watchlists (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    list_type TEXT NOT NULL DEFAULT 'other',
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (workspace_id, name_norm)
);

-- platform '' means the handle is watched on every platform.
CREATE TABLE watchlist_members (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    platform TEXT NOT NULL DEFAULT '',
    handle TEXT NOT NULL,
    handle_norm TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    list_type TEXT NOT NULL DEFAULT 'other',
    notes TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (watchlist_id, platform, handle_norm)
);
CREATE INDEX watchlist_members_handle ON watchlist_members (handle_norm);

CREATE TABLE authors (
    id TEXT PRIMARY KEY,              -- "{platform}:{native_id}"
    platform TEXT NOT NULL,
    native_id TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    handle_norm TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    followers INTEGER NOT NULL DEFAULT 0,
    following INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER,
    location TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
CREATE INDEX authors_handle ON authors (platform, handle_norm);

CREATE TABLE mentions (
    seq INTEGER PRIMARY KEY,          -- rowid, shared with mentions_fts
    id TEXT NOT NULL UNIQUE,          -- "{platform}:{native_id}"
    platform TEXT NOT NULL,
    native_id TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    site TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'und',
    kind TEXT NOT NULL DEFAULT 'post',
    created_at INTEGER NOT NULL,
    collected_at INTEGER NOT NULL,
    collected_via TEXT NOT NULL DEFAULT '',
    match_query TEXT NOT NULL DEFAULT '',
    author_id TEXT,
    author_handle TEXT NOT NULL DEFAULT '',  -- normalised: lowercase, no '@'
    reply_to TEXT,
    quote_of TEXT,
    repost_of TEXT,
    root_id TEXT,
    likes INTEGER NOT NULL DEFAULT 0,
    reposts INTEGER NOT NULL DEFAULT 0,
    replies INTEGER NOT NULL DEFAULT 0,
    quotes INTEGER NOT NULL DEFAULT 0,
    views INTEGER NOT NULL DEFAULT 0,
    place TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',  -- ISO 3166-1 alpha-2, lowercase
    media TEXT NOT NULL DEFAULT '[]',
    raw TEXT,                          -- payload as captured
    raw_sha256 TEXT NOT NULL DEFAULT '',
    sentiment_label TEXT,
    sentiment_score REAL,
    cluster_id TEXT,
    enrichment TEXT NOT NULL DEFAULT '{}',
    updated_at INTEGER NOT NULL,
    UNIQUE (platform, native_id)
);
CREATE INDEX mentions_created ON mentions (created_at);
CREATE INDEX mentions_author ON mentions (author_id, created_at);
CREATE INDEX mentions_reply_to ON mentions (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX mentions_quote_of ON mentions (quote_of) WHERE quote_of IS NOT NULL;
CREATE INDEX mentions_repost_of ON mentions (repost_of) WHERE repost_of IS NOT NULL;

-- Contentless: the tokens come from socialhub.text.index_tokens; rowid = mentions.seq.
CREATE VIRTUAL TABLE mentions_fts USING fts5(
    tokens, content='', tokenize="unicode61 remove_diacritics 0 tokenchars '#@'"
);

-- Which queries (and so which workspaces) a mention was routed to.
CREATE TABLE mention_queries (
    query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
    mention_seq INTEGER NOT NULL REFERENCES mentions(seq) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    relevance REAL,
    PRIMARY KEY (query_id, mention_seq)
) WITHOUT ROWID;
CREATE INDEX mention_queries_time ON mention_queries (query_id, created_at);

CREATE TABLE mention_workspaces (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    mention_seq INTEGER NOT NULL REFERENCES mentions(seq) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, mention_seq)
) WITHOUT ROWID;
CREATE INDEX mention_workspaces_time ON mention_workspaces (workspace_id, created_at);

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX quarantine_created ON quarantine (created_at);
