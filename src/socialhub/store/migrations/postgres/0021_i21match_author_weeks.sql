-- Top authors at 10M mentions (issue 21 item 7): a week of the per-day author rollup
-- (0020) is ~5 rows per author, and aggregating them is most of the query. Here one row
-- per workspace, block of 7 UTC days (week = day / 7, day as in 0020) and author holds
-- the seven days' counts and engagements (n0..n6, e0..e6 for day % 7 = 0..6): a 7-day
-- window reads at most 2 rows per author, summing the columns of its days. Kept from
-- rollup_author_days by statement triggers (transition tables), so every path that
-- writes the day rollup (bulk write, erasure, retention) keeps this one equal to it.

SET LOCAL TIME ZONE 'UTC';

CREATE TABLE rollup_author_weeks (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    week INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    n0 INTEGER NOT NULL DEFAULT 0,
    n1 INTEGER NOT NULL DEFAULT 0,
    n2 INTEGER NOT NULL DEFAULT 0,
    n3 INTEGER NOT NULL DEFAULT 0,
    n4 INTEGER NOT NULL DEFAULT 0,
    n5 INTEGER NOT NULL DEFAULT 0,
    n6 INTEGER NOT NULL DEFAULT 0,
    e0 BIGINT NOT NULL DEFAULT 0,
    e1 BIGINT NOT NULL DEFAULT 0,
    e2 BIGINT NOT NULL DEFAULT 0,
    e3 BIGINT NOT NULL DEFAULT 0,
    e4 BIGINT NOT NULL DEFAULT 0,
    e5 BIGINT NOT NULL DEFAULT 0,
    e6 BIGINT NOT NULL DEFAULT 0,
    -- covering: a window's rows are read from the index alone
    PRIMARY KEY (workspace_id, week, author_id) INCLUDE (n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
);

INSERT INTO rollup_author_weeks (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
SELECT workspace_id, day / 7, author_id,
       CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 0), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 1), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 2), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 3), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 4), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 5), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 6), 0) AS INTEGER),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 0), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 1), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 2), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 3), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 4), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 5), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 6), 0) AS BIGINT)
FROM rollup_author_days GROUP BY workspace_id, day / 7, author_id;

CREATE FUNCTION socialhub_author_weeks_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_author_weeks AS w (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
    SELECT workspace_id, day / 7, author_id,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 0), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 1), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 2), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 3), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 4), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 5), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 6), 0) AS INTEGER),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 0), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 1), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 2), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 3), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 4), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 5), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 6), 0) AS BIGINT)
    FROM (SELECT workspace_id, day, author_id, n, engagement FROM new_days) d GROUP BY workspace_id, day / 7, author_id
    ON CONFLICT (workspace_id, week, author_id) DO UPDATE SET
        n0 = w.n0 + EXCLUDED.n0,
        n1 = w.n1 + EXCLUDED.n1,
        n2 = w.n2 + EXCLUDED.n2,
        n3 = w.n3 + EXCLUDED.n3,
        n4 = w.n4 + EXCLUDED.n4,
        n5 = w.n5 + EXCLUDED.n5,
        n6 = w.n6 + EXCLUDED.n6,
        e0 = w.e0 + EXCLUDED.e0,
        e1 = w.e1 + EXCLUDED.e1,
        e2 = w.e2 + EXCLUDED.e2,
        e3 = w.e3 + EXCLUDED.e3,
        e4 = w.e4 + EXCLUDED.e4,
        e5 = w.e5 + EXCLUDED.e5,
        e6 = w.e6 + EXCLUDED.e6;
    RETURN NULL;
END $$;

CREATE FUNCTION socialhub_author_weeks_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_author_weeks AS w (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
    SELECT workspace_id, day / 7, author_id,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 0), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 1), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 2), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 3), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 4), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 5), 0) AS INTEGER),
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 6), 0) AS INTEGER),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 0), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 1), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 2), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 3), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 4), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 5), 0) AS BIGINT),
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 6), 0) AS BIGINT)
    FROM (SELECT workspace_id, day, author_id, n, engagement FROM new_days UNION ALL SELECT workspace_id, day, author_id, -n, -engagement FROM old_days) d GROUP BY workspace_id, day / 7, author_id
    ON CONFLICT (workspace_id, week, author_id) DO UPDATE SET
        n0 = w.n0 + EXCLUDED.n0,
        n1 = w.n1 + EXCLUDED.n1,
        n2 = w.n2 + EXCLUDED.n2,
        n3 = w.n3 + EXCLUDED.n3,
        n4 = w.n4 + EXCLUDED.n4,
        n5 = w.n5 + EXCLUDED.n5,
        n6 = w.n6 + EXCLUDED.n6,
        e0 = w.e0 + EXCLUDED.e0,
        e1 = w.e1 + EXCLUDED.e1,
        e2 = w.e2 + EXCLUDED.e2,
        e3 = w.e3 + EXCLUDED.e3,
        e4 = w.e4 + EXCLUDED.e4,
        e5 = w.e5 + EXCLUDED.e5,
        e6 = w.e6 + EXCLUDED.e6;
    RETURN NULL;
END $$;

-- Deletes only subtract from rows that exist (never insert: a workspace being deleted
-- cascades here too), then drop the rows left empty.
CREATE FUNCTION socialhub_author_weeks_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE rollup_author_weeks w SET
        n0 = w.n0 - d.n0,
        n1 = w.n1 - d.n1,
        n2 = w.n2 - d.n2,
        n3 = w.n3 - d.n3,
        n4 = w.n4 - d.n4,
        n5 = w.n5 - d.n5,
        n6 = w.n6 - d.n6,
        e0 = w.e0 - d.e0,
        e1 = w.e1 - d.e1,
        e2 = w.e2 - d.e2,
        e3 = w.e3 - d.e3,
        e4 = w.e4 - d.e4,
        e5 = w.e5 - d.e5,
        e6 = w.e6 - d.e6
    FROM (
        SELECT workspace_id, day / 7 AS week, author_id,
               CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 0), 0) AS INTEGER) AS n0,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 1), 0) AS INTEGER) AS n1,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 2), 0) AS INTEGER) AS n2,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 3), 0) AS INTEGER) AS n3,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 4), 0) AS INTEGER) AS n4,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 5), 0) AS INTEGER) AS n5,
           CAST(coalesce(sum(n) FILTER (WHERE day % 7 = 6), 0) AS INTEGER) AS n6,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 0), 0) AS BIGINT) AS e0,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 1), 0) AS BIGINT) AS e1,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 2), 0) AS BIGINT) AS e2,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 3), 0) AS BIGINT) AS e3,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 4), 0) AS BIGINT) AS e4,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 5), 0) AS BIGINT) AS e5,
           CAST(coalesce(sum(engagement) FILTER (WHERE day % 7 = 6), 0) AS BIGINT) AS e6
        FROM old_days GROUP BY workspace_id, day / 7, author_id
    ) d
    WHERE w.workspace_id = d.workspace_id AND w.week = d.week AND w.author_id = d.author_id;
    DELETE FROM rollup_author_weeks w
    USING (SELECT DISTINCT workspace_id, day / 7 AS week, author_id FROM old_days) d
    WHERE w.workspace_id = d.workspace_id AND w.week = d.week AND w.author_id = d.author_id
      AND w.n0 = 0 AND w.n1 = 0 AND w.n2 = 0 AND w.n3 = 0 AND w.n4 = 0 AND w.n5 = 0 AND w.n6 = 0 AND w.e0 = 0 AND w.e1 = 0 AND w.e2 = 0 AND w.e3 = 0 AND w.e4 = 0 AND w.e5 = 0 AND w.e6 = 0;
    RETURN NULL;
END $$;

CREATE TRIGGER rollup_author_days_weeks_insert AFTER INSERT ON rollup_author_days
REFERENCING NEW TABLE AS new_days
FOR EACH STATEMENT EXECUTE FUNCTION socialhub_author_weeks_insert();

CREATE TRIGGER rollup_author_days_weeks_update AFTER UPDATE ON rollup_author_days
REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days
FOR EACH STATEMENT EXECUTE FUNCTION socialhub_author_weeks_update();

CREATE TRIGGER rollup_author_days_weeks_delete AFTER DELETE ON rollup_author_days
REFERENCING OLD TABLE AS old_days
FOR EACH STATEMENT EXECUTE FUNCTION socialhub_author_weeks_delete();
