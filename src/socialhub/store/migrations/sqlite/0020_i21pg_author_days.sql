-- Top authors at volume (issue 21 item 7): per UTC day, per workspace and author, the
-- number of the workspace's mentions by that author and their engagement (likes +
-- reposts + replies + quotes). Triggers keep it in step with the rows, in the same
-- transaction: a new workspace row adds one and its engagement; a re-collection that
-- changes engagement adds the difference. Erasure and retention, which delete routes,
-- take their rows out (code, like the 0015 rollups). Top authors reads the whole days of
-- a window from here and the partial days at its edges from mention_workspaces, so the
-- answers equal counting the rows. `day` counts days since 1970-01-01 UTC. Same table
-- as PostgreSQL's 0020, where the store's write path maintains it.

CREATE TABLE rollup_author_days (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    engagement INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, day, author_id)
) WITHOUT ROWID;

INSERT INTO rollup_author_days (workspace_id, day, author_id, n, engagement)
SELECT workspace_id, created_at / 86400000 AS day, author_id, count(*), sum(engagement)
FROM mention_workspaces WHERE author_id IS NOT NULL GROUP BY 1, 2, 3;

-- Read from the mention, not from the copies another trigger writes (trigger order).
CREATE TRIGGER mention_workspaces_author_day AFTER INSERT ON mention_workspaces
BEGIN
    INSERT INTO rollup_author_days (workspace_id, day, author_id, n, engagement)
    SELECT NEW.workspace_id, NEW.created_at / 86400000, m.author_id, 1,
           m.likes + m.reposts + m.replies + m.quotes
    FROM mentions m WHERE m.seq = NEW.mention_seq AND m.author_id IS NOT NULL
    ON CONFLICT (workspace_id, day, author_id)
    DO UPDATE SET n = n + 1, engagement = engagement + excluded.engagement;
END;

CREATE TRIGGER mentions_author_day_engagement
AFTER UPDATE OF likes, reposts, replies, quotes ON mentions
WHEN NEW.author_id IS NOT NULL
 AND NEW.likes + NEW.reposts + NEW.replies + NEW.quotes
     <> OLD.likes + OLD.reposts + OLD.replies + OLD.quotes
BEGIN
    UPDATE rollup_author_days
    SET engagement = engagement + (NEW.likes + NEW.reposts + NEW.replies + NEW.quotes)
                                - (OLD.likes + OLD.reposts + OLD.replies + OLD.quotes)
    WHERE author_id = NEW.author_id AND (workspace_id, day) IN (
        SELECT workspace_id, created_at / 86400000 FROM mention_workspaces
        WHERE mention_seq = NEW.seq
    );
END;
