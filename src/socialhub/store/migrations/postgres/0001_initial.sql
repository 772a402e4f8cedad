-- socialhub initial schema, PostgreSQL flavour. Same tables and columns as the SQLite
-- one; times are timestamptz (UTC), JSON is jsonb, and full-text search uses a tsvector
-- built by socialhub.text.pg_tsvector from our own tokens (no PostgreSQL parser, so the
-- answers equal SQLite's and the streaming matcher's).

CREATE TABLE workspaces (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'press', 'legal', 'viewer')),
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE queries (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, name)
);

CREATE TABLE watchlists (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    list_type TEXT NOT NULL DEFAULT 'other',
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (workspace_id, name_norm)
);

CREATE TABLE watchlist_members (
    watchlist_id BIGINT NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
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
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    native_id TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    handle_norm TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    followers BIGINT NOT NULL DEFAULT 0,
    following BIGINT NOT NULL DEFAULT 0,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ,
    location TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX authors_handle ON authors (platform, handle_norm);

CREATE TABLE mentions (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    native_id TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    site TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'und',
    kind TEXT NOT NULL DEFAULT 'post',
    created_at TIMESTAMPTZ NOT NULL,
    collected_at TIMESTAMPTZ NOT NULL,
    collected_via TEXT NOT NULL DEFAULT '',
    match_query TEXT NOT NULL DEFAULT '',
    author_id TEXT,
    author_handle TEXT NOT NULL DEFAULT '',
    reply_to TEXT,
    quote_of TEXT,
    repost_of TEXT,
    root_id TEXT,
    likes BIGINT NOT NULL DEFAULT 0,
    reposts BIGINT NOT NULL DEFAULT 0,
    replies BIGINT NOT NULL DEFAULT 0,
    quotes BIGINT NOT NULL DEFAULT 0,
    views BIGINT NOT NULL DEFAULT 0,
    place TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    media JSONB NOT NULL DEFAULT '[]',
    raw TEXT,                          -- payload exactly as captured (text, so the hash stays checkable)
    raw_sha256 TEXT NOT NULL DEFAULT '',
    sentiment_label TEXT,
    sentiment_score REAL,
    cluster_id TEXT,
    enrichment JSONB NOT NULL DEFAULT '{}',
    search TSVECTOR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (platform, native_id)
);
CREATE INDEX mentions_created ON mentions (created_at);
CREATE INDEX mentions_author ON mentions (author_id, created_at);
CREATE INDEX mentions_reply_to ON mentions (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX mentions_quote_of ON mentions (quote_of) WHERE quote_of IS NOT NULL;
CREATE INDEX mentions_repost_of ON mentions (repost_of) WHERE repost_of IS NOT NULL;
CREATE INDEX mentions_search ON mentions USING GIN (search);

CREATE TABLE mention_queries (
    query_id BIGINT NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
    mention_seq BIGINT NOT NULL REFERENCES mentions(seq) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    relevance REAL,
    PRIMARY KEY (query_id, mention_seq)
);
CREATE INDEX mention_queries_time ON mention_queries (query_id, created_at);

CREATE TABLE mention_workspaces (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    mention_seq BIGINT NOT NULL REFERENCES mentions(seq) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, mention_seq)
);
CREATE INDEX mention_workspaces_time ON mention_workspaces (workspace_id, created_at);

CREATE TABLE quarantine (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_created ON quarantine (created_at);
