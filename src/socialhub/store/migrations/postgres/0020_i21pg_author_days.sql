-- Top authors at 10M mentions (issue 21 item 7): per UTC day, per workspace and author,
-- the number of the workspace's mentions by that author and their engagement (likes +
-- reposts + replies + quotes, as copied into mention_workspaces). Maintained by the
-- store's write path in the transaction that writes the rows (a new workspace row adds
-- one and its engagement; a re-collection that changes engagement adds the difference),
-- by erasure and retention when they delete routes. Top authors reads the whole days of
-- a window from here and the partial days at its edges from mention_workspaces, so the
-- answers equal counting the rows. `day` counts days since 1970-01-01 UTC.

SET LOCAL TIME ZONE 'UTC';

CREATE TABLE rollup_author_days (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    n INTEGER NOT NULL,  -- sum(integer) is a bigint; sum(bigint) a slower numeric
    engagement BIGINT NOT NULL,
    -- covering: a window's rows are read from the index alone
    PRIMARY KEY (workspace_id, day, author_id) INCLUDE (n, engagement)
);

INSERT INTO rollup_author_days (workspace_id, day, author_id, n, engagement)
SELECT workspace_id, CAST(floor(extract(epoch FROM created_at) / 86400) AS INTEGER) AS day,
       author_id, count(*), sum(engagement)
FROM mention_workspaces WHERE author_id IS NOT NULL GROUP BY 1, 2, 3;
