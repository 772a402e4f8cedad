-- Top authors at 10M mentions (issue 21 item 7): the per-day author rollup (0020) in
-- blocks of 7 UTC days (week = day / 7), one row per workspace, block and author with the
-- seven days' counts and engagements (n0..n6, e0..e6 for day % 7 = 0..6): a 7-day window
-- reads at most 2 rows per author. Kept from rollup_author_days by triggers, so every
-- path that writes the day rollup keeps this one equal to it.

CREATE TABLE rollup_author_weeks (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    week INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    n0 INTEGER NOT NULL DEFAULT 0,
    n1 INTEGER NOT NULL DEFAULT 0,
    n2 INTEGER NOT NULL DEFAULT 0,
    n3 INTEGER NOT NULL DEFAULT 0,
    n4 INTEGER NOT NULL DEFAULT 0,
    n5 INTEGER NOT NULL DEFAULT 0,
    n6 INTEGER NOT NULL DEFAULT 0,
    e0 INTEGER NOT NULL DEFAULT 0,
    e1 INTEGER NOT NULL DEFAULT 0,
    e2 INTEGER NOT NULL DEFAULT 0,
    e3 INTEGER NOT NULL DEFAULT 0,
    e4 INTEGER NOT NULL DEFAULT 0,
    e5 INTEGER NOT NULL DEFAULT 0,
    e6 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, week, author_id)
);

INSERT INTO rollup_author_weeks (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
SELECT workspace_id, day / 7, author_id,
       coalesce(sum(CASE WHEN day % 7 = 0 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 1 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 2 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 3 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 4 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 5 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 6 THEN n END), 0),
       coalesce(sum(CASE WHEN day % 7 = 0 THEN engagement END), 0),
       coalesce(sum(CASE WHEN day % 7 = 1 THEN engagement END), 0),
       coalesce(sum(CASE WHEN day % 7 = 2 THEN engagement END), 0),
       coalesce(sum(CASE WHEN day % 7 = 3 THEN engagement END), 0),
       coalesce(sum(CASE WHEN day % 7 = 4 THEN engagement END), 0),
       coalesce(sum(CASE WHEN day % 7 = 5 THEN engagement END), 0),
       coalesce(sum(CASE WHEN day % 7 = 6 THEN engagement END), 0)
FROM rollup_author_days GROUP BY workspace_id, day / 7, author_id;

CREATE TRIGGER rollup_author_days_weeks_insert AFTER INSERT ON rollup_author_days
BEGIN
    INSERT INTO rollup_author_weeks (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
    VALUES (NEW.workspace_id, NEW.day / 7, NEW.author_id,
        CASE WHEN NEW.day % 7 = 0 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 1 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 2 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 3 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 4 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 5 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 6 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 0 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 1 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 2 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 3 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 4 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 5 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 6 THEN NEW.engagement ELSE 0 END)
    ON CONFLICT (workspace_id, week, author_id) DO UPDATE SET
        n0 = n0 + excluded.n0,
        n1 = n1 + excluded.n1,
        n2 = n2 + excluded.n2,
        n3 = n3 + excluded.n3,
        n4 = n4 + excluded.n4,
        n5 = n5 + excluded.n5,
        n6 = n6 + excluded.n6,
        e0 = e0 + excluded.e0,
        e1 = e1 + excluded.e1,
        e2 = e2 + excluded.e2,
        e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4,
        e5 = e5 + excluded.e5,
        e6 = e6 + excluded.e6;
END;

CREATE TRIGGER rollup_author_days_weeks_update AFTER UPDATE ON rollup_author_days
BEGIN
    INSERT INTO rollup_author_weeks (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
    VALUES (OLD.workspace_id, OLD.day / 7, OLD.author_id,
        CASE WHEN OLD.day % 7 = 0 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 1 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 2 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 3 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 4 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 5 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 6 THEN -OLD.n ELSE 0 END,
        CASE WHEN OLD.day % 7 = 0 THEN -OLD.engagement ELSE 0 END,
        CASE WHEN OLD.day % 7 = 1 THEN -OLD.engagement ELSE 0 END,
        CASE WHEN OLD.day % 7 = 2 THEN -OLD.engagement ELSE 0 END,
        CASE WHEN OLD.day % 7 = 3 THEN -OLD.engagement ELSE 0 END,
        CASE WHEN OLD.day % 7 = 4 THEN -OLD.engagement ELSE 0 END,
        CASE WHEN OLD.day % 7 = 5 THEN -OLD.engagement ELSE 0 END,
        CASE WHEN OLD.day % 7 = 6 THEN -OLD.engagement ELSE 0 END)
    ON CONFLICT (workspace_id, week, author_id) DO UPDATE SET
        n0 = n0 + excluded.n0,
        n1 = n1 + excluded.n1,
        n2 = n2 + excluded.n2,
        n3 = n3 + excluded.n3,
        n4 = n4 + excluded.n4,
        n5 = n5 + excluded.n5,
        n6 = n6 + excluded.n6,
        e0 = e0 + excluded.e0,
        e1 = e1 + excluded.e1,
        e2 = e2 + excluded.e2,
        e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4,
        e5 = e5 + excluded.e5,
        e6 = e6 + excluded.e6;
    INSERT INTO rollup_author_weeks (workspace_id, week, author_id, n0, n1, n2, n3, n4, n5, n6, e0, e1, e2, e3, e4, e5, e6)
    VALUES (NEW.workspace_id, NEW.day / 7, NEW.author_id,
        CASE WHEN NEW.day % 7 = 0 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 1 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 2 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 3 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 4 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 5 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 6 THEN NEW.n ELSE 0 END,
        CASE WHEN NEW.day % 7 = 0 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 1 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 2 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 3 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 4 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 5 THEN NEW.engagement ELSE 0 END,
        CASE WHEN NEW.day % 7 = 6 THEN NEW.engagement ELSE 0 END)
    ON CONFLICT (workspace_id, week, author_id) DO UPDATE SET
        n0 = n0 + excluded.n0,
        n1 = n1 + excluded.n1,
        n2 = n2 + excluded.n2,
        n3 = n3 + excluded.n3,
        n4 = n4 + excluded.n4,
        n5 = n5 + excluded.n5,
        n6 = n6 + excluded.n6,
        e0 = e0 + excluded.e0,
        e1 = e1 + excluded.e1,
        e2 = e2 + excluded.e2,
        e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4,
        e5 = e5 + excluded.e5,
        e6 = e6 + excluded.e6;
END;

-- A delete only subtracts (a workspace being deleted cascades here too), then drops the
-- row left empty.
CREATE TRIGGER rollup_author_days_weeks_delete AFTER DELETE ON rollup_author_days
BEGIN
    UPDATE rollup_author_weeks SET
        n0 = n0 - CASE WHEN OLD.day % 7 = 0 THEN OLD.n ELSE 0 END,
        n1 = n1 - CASE WHEN OLD.day % 7 = 1 THEN OLD.n ELSE 0 END,
        n2 = n2 - CASE WHEN OLD.day % 7 = 2 THEN OLD.n ELSE 0 END,
        n3 = n3 - CASE WHEN OLD.day % 7 = 3 THEN OLD.n ELSE 0 END,
        n4 = n4 - CASE WHEN OLD.day % 7 = 4 THEN OLD.n ELSE 0 END,
        n5 = n5 - CASE WHEN OLD.day % 7 = 5 THEN OLD.n ELSE 0 END,
        n6 = n6 - CASE WHEN OLD.day % 7 = 6 THEN OLD.n ELSE 0 END,
        e0 = e0 - CASE WHEN OLD.day % 7 = 0 THEN OLD.engagement ELSE 0 END,
        e1 = e1 - CASE WHEN OLD.day % 7 = 1 THEN OLD.engagement ELSE 0 END,
        e2 = e2 - CASE WHEN OLD.day % 7 = 2 THEN OLD.engagement ELSE 0 END,
        e3 = e3 - CASE WHEN OLD.day % 7 = 3 THEN OLD.engagement ELSE 0 END,
        e4 = e4 - CASE WHEN OLD.day % 7 = 4 THEN OLD.engagement ELSE 0 END,
        e5 = e5 - CASE WHEN OLD.day % 7 = 5 THEN OLD.engagement ELSE 0 END,
        e6 = e6 - CASE WHEN OLD.day % 7 = 6 THEN OLD.engagement ELSE 0 END
    WHERE workspace_id = OLD.workspace_id AND week = OLD.day / 7 AND author_id = OLD.author_id;
    DELETE FROM rollup_author_weeks
    WHERE workspace_id = OLD.workspace_id AND week = OLD.day / 7 AND author_id = OLD.author_id
      AND n0 = 0 AND n1 = 0 AND n2 = 0 AND n3 = 0 AND n4 = 0 AND n5 = 0 AND n6 = 0 AND e0 = 0 AND e1 = 0 AND e2 = 0 AND e3 = 0 AND e4 = 0 AND e5 = 0 AND e6 = 0;
END;
