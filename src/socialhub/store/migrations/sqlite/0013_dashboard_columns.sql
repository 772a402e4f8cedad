-- Dashboard reads at volume (issue 6): sentiment over time, top authors, facets and the
-- first page of mentions aggregate tens of thousands of rows per call. mention_workspaces
-- now carries the few mention columns they need, so they read one covering index
-- instead of visiting each mention's row. Triggers keep the copies equal to the
-- mention (a new workspace row takes the mention's values; a re-collection that
-- changes sentiment or engagement refreshes them), whatever code writes.
-- mention_queries gets the (workspace, time) index the volume series lacked.
-- (PostgreSQL's 0013 also partitions mentions by month; SQLite keeps one table.)

ALTER TABLE mention_workspaces ADD COLUMN author_id TEXT;
ALTER TABLE mention_workspaces ADD COLUMN platform TEXT NOT NULL DEFAULT '';
ALTER TABLE mention_workspaces ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE mention_workspaces ADD COLUMN sentiment_label TEXT;
ALTER TABLE mention_workspaces ADD COLUMN engagement INTEGER NOT NULL DEFAULT 0;

UPDATE mention_workspaces
SET (author_id, platform, lang, sentiment_label, engagement) = (
    SELECT m.author_id, m.platform, m.lang, m.sentiment_label,
           m.likes + m.reposts + m.replies + m.quotes
    FROM mentions m WHERE m.seq = mention_workspaces.mention_seq
);

DROP INDEX IF EXISTS mention_workspaces_time;
-- The table is WITHOUT ROWID: its key (workspace_id, mention_seq) is in every index.
CREATE INDEX mention_workspaces_time ON mention_workspaces
    (workspace_id, created_at, platform, lang, sentiment_label, author_id, engagement);
CREATE INDEX mention_workspaces_mention ON mention_workspaces (mention_seq);
CREATE INDEX mention_queries_workspace ON mention_queries (workspace_id, created_at, query_id);

CREATE TRIGGER mention_workspaces_copy AFTER INSERT ON mention_workspaces
BEGIN
    UPDATE mention_workspaces
    SET (author_id, platform, lang, sentiment_label, engagement) = (
        SELECT m.author_id, m.platform, m.lang, m.sentiment_label,
               m.likes + m.reposts + m.replies + m.quotes
        FROM mentions m WHERE m.seq = NEW.mention_seq
    )
    WHERE workspace_id = NEW.workspace_id AND mention_seq = NEW.mention_seq;
END;

CREATE TRIGGER mentions_dashboard_refresh
AFTER UPDATE OF sentiment_label, likes, reposts, replies, quotes ON mentions
BEGIN
    UPDATE mention_workspaces
    SET sentiment_label = NEW.sentiment_label,
        engagement = NEW.likes + NEW.reposts + NEW.replies + NEW.quotes
    WHERE mention_seq = NEW.seq;
END;
