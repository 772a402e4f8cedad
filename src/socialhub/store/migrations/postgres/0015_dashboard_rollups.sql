-- Dashboard counts at 10M mentions (issue 6 / issue 8): per 15-minute UTC slot, the
-- number of routed mentions per query and per workspace x platform x language x
-- sentiment, maintained by the store's write path in the same transaction as the rows
-- they count (a new route or workspace row adds one; a re-collection that changes a
-- mention's sentiment moves one between labels). Reads add the whole slots inside a
-- window from here and count the partial slots at its edges from the rows, so answers
-- stay exact and equal to SQLite's (which counts rows). `sentiment` is '' for
-- mentions without sentiment (a key column cannot be NULL).

SET LOCAL TIME ZONE 'UTC';

CREATE TABLE rollup_queries (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    slot BIGINT NOT NULL,
    query_id BIGINT NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
    n BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, slot, query_id)
);
-- Deleting a query cascades here (its routes go the same way).
CREATE INDEX rollup_queries_query ON rollup_queries (query_id);

CREATE TABLE rollup_workspaces (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    slot BIGINT NOT NULL,
    platform TEXT NOT NULL,
    lang TEXT NOT NULL,
    sentiment TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, slot, platform, lang, sentiment)
);

INSERT INTO rollup_queries (workspace_id, slot, query_id, n)
SELECT workspace_id, CAST(floor(extract(epoch FROM created_at) / 900) AS BIGINT) AS slot,
       query_id, count(*)
FROM mention_queries GROUP BY 1, 2, 3;

INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n)
SELECT workspace_id, CAST(floor(extract(epoch FROM created_at) / 900) AS BIGINT) AS slot,
       platform, lang, coalesce(sentiment_label, ''), count(*)
FROM mention_workspaces GROUP BY 1, 2, 3, 4, 5;
