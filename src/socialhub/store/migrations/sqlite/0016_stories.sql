-- Stories (issue 14): mentions grouped by article link, near-duplicate cluster, thread
-- and similarity (socialhub.analytics.stories). One row per story and workspace, keyed
-- by the engine's stable key "<workspace>:<first mention id>"; members in
-- story_mentions (no foreign key to mentions: a member may be stored after its story).
-- Times are INTEGER milliseconds since the Unix epoch, UTC; JSON columns are text.

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    headline TEXT NOT NULL DEFAULT '',
    first_mention_id TEXT NOT NULL,
    first_author TEXT NOT NULL DEFAULT '',
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    peak_at INTEGER NOT NULL,
    peak_count INTEGER NOT NULL DEFAULT 0,
    velocity REAL NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    authors INTEGER NOT NULL DEFAULT 0,
    reach INTEGER NOT NULL DEFAULT 0,
    importance REAL NOT NULL DEFAULT 0,
    details TEXT NOT NULL DEFAULT '{}',
    merged_into TEXT,
    updated_at INTEGER NOT NULL,
    UNIQUE (workspace_id, key)
);

CREATE INDEX stories_recent ON stories (workspace_id, last_seen);
CREATE INDEX stories_importance ON stories (workspace_id, importance);

CREATE TABLE story_mentions (
    workspace_id INTEGER NOT NULL,
    story_key TEXT NOT NULL,
    mention_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, story_key, mention_id)
);

CREATE INDEX story_mentions_mention ON story_mentions (mention_id);
