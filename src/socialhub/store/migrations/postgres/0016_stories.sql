-- Stories (issue 14): mentions grouped by article link, near-duplicate cluster, thread
-- and similarity (socialhub.analytics.stories). One row per story and workspace, keyed
-- by the engine's stable key "<workspace>:<first mention id>"; members in
-- story_mentions (no foreign key to mentions: a member may be stored after its story).

CREATE TABLE stories (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    headline TEXT NOT NULL DEFAULT '',
    first_mention_id TEXT NOT NULL,
    first_author TEXT NOT NULL DEFAULT '',
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    peak_at TIMESTAMPTZ NOT NULL,
    peak_count INTEGER NOT NULL DEFAULT 0,
    velocity DOUBLE PRECISION NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    authors INTEGER NOT NULL DEFAULT 0,
    reach BIGINT NOT NULL DEFAULT 0,
    importance DOUBLE PRECISION NOT NULL DEFAULT 0,
    details JSONB NOT NULL DEFAULT '{}',
    merged_into TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, key)
);

CREATE INDEX stories_recent ON stories (workspace_id, last_seen);
CREATE INDEX stories_importance ON stories (workspace_id, importance);

CREATE TABLE story_mentions (
    workspace_id BIGINT NOT NULL,
    story_key TEXT NOT NULL,
    mention_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, story_key, mention_id)
);

CREATE INDEX story_mentions_mention ON story_mentions (mention_id);
