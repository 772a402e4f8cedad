-- Dashboard counts at volume (issue 6): per 15-minute UTC slot, the number of routed
-- mentions per query and per workspace x platform x language x sentiment. Triggers keep
-- them in step with the rows they count, in the same transaction: a new route or
-- workspace row adds one; a re-collection that changes a mention's sentiment moves one
-- between labels. Reads add the whole slots of a window from here and count the partial
-- slots at its edges from the rows, so answers stay exact. `sentiment` is '' for
-- mentions without sentiment (a key column). Same tables as PostgreSQL's 0015, where
-- the store's write path maintains them.

CREATE TABLE rollup_queries (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    slot INTEGER NOT NULL,
    query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, slot, query_id)
) WITHOUT ROWID;
CREATE INDEX rollup_queries_query ON rollup_queries (query_id);

CREATE TABLE rollup_workspaces (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    slot INTEGER NOT NULL,
    platform TEXT NOT NULL,
    lang TEXT NOT NULL,
    sentiment TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, slot, platform, lang, sentiment)
) WITHOUT ROWID;

INSERT INTO rollup_queries (workspace_id, slot, query_id, n)
SELECT workspace_id, created_at / 900000 AS slot, query_id, count(*)
FROM mention_queries GROUP BY 1, 2, 3;

INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n)
SELECT workspace_id, created_at / 900000 AS slot, platform, lang,
       coalesce(sentiment_label, ''), count(*)
FROM mention_workspaces GROUP BY 1, 2, 3, 4, 5;

-- An upsert's AFTER INSERT triggers fire only when a row was really inserted.
CREATE TRIGGER mention_queries_rollup AFTER INSERT ON mention_queries
BEGIN
    INSERT INTO rollup_queries (workspace_id, slot, query_id, n)
    VALUES (NEW.workspace_id, NEW.created_at / 900000, NEW.query_id, 1)
    ON CONFLICT (workspace_id, slot, query_id) DO UPDATE SET n = n + 1;
END;

-- Read from the mention, not from the copies another trigger writes (trigger order).
CREATE TRIGGER mention_workspaces_rollup AFTER INSERT ON mention_workspaces
BEGIN
    INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n)
    SELECT NEW.workspace_id, NEW.created_at / 900000, m.platform, m.lang,
           coalesce(m.sentiment_label, ''), 1
    FROM mentions m WHERE m.seq = NEW.mention_seq
    ON CONFLICT (workspace_id, slot, platform, lang, sentiment) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER mentions_rollup_sentiment AFTER UPDATE OF sentiment_label ON mentions
WHEN OLD.sentiment_label IS NOT NEW.sentiment_label
BEGIN
    INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n)
    SELECT mw.workspace_id, mw.created_at / 900000, OLD.platform, OLD.lang,
           coalesce(OLD.sentiment_label, ''), -1
    FROM mention_workspaces mw WHERE mw.mention_seq = NEW.seq
    ON CONFLICT (workspace_id, slot, platform, lang, sentiment) DO UPDATE SET n = n - 1;
    INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n)
    SELECT mw.workspace_id, mw.created_at / 900000, NEW.platform, NEW.lang,
           coalesce(NEW.sentiment_label, ''), 1
    FROM mention_workspaces mw WHERE mw.mention_seq = NEW.seq
    ON CONFLICT (workspace_id, slot, platform, lang, sentiment) DO UPDATE SET n = n + 1;
END;
