-- PostgreSQL at volume (issue 8 part 3, issue 6 dashboard latency).
--
-- 1. `mentions` becomes a table partitioned by month of created_at (RANGE), with a
--    DEFAULT partition for whatever no month partition takes. Retention then drops
--    whole partitions instead of deleting rows (`socialhub db retention`).
-- 2. A partitioned table's unique keys must include the partition key, so the global
--    uniqueness of `id` and of `(platform, native_id)` moves to the small unpartitioned
--    table `mention_keys` (one row per mention: its keys, seq and created_at). Writers
--    claim a mention there first (INSERT ... ON CONFLICT), so idempotent writes and
--    redelivery still never duplicate. A mention's created_at is first-capture evidence
--    and never changes, so a mention never moves between partitions.
-- 3. relevance_labels now references mention_keys(id) ON DELETE CASCADE (a foreign key
--    to a partitioned table's non-unique column is impossible); the route tables have
--    had no foreign key to mentions since 0005: code deletes their rows.
-- 4. Dashboard reads (sentiment over time, top authors, facets, the first page of
--    mentions) aggregate tens of thousands of rows per call. mention_workspaces now
--    carries the few mention columns they need (kept equal by the store's write path)
--    under a covering index, so they are index-only scans instead of one heap visit
--    per mention; mention_queries gets the (workspace, time) index the volume series
--    lacked (it scanned the whole table).
--
-- Applying this to a filled database rewrites the mentions table in one transaction:
-- plan the downtime (about a minute per million mentions).

SET LOCAL TIME ZONE 'UTC';

-- -- keys --------------------------------------------------------------------------------

CREATE TABLE mention_keys (
    platform TEXT NOT NULL,
    native_id TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    seq BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, native_id)
);
INSERT INTO mention_keys (platform, native_id, id, seq, created_at)
SELECT platform, native_id, id, seq, created_at FROM mentions;
CREATE INDEX mention_keys_created ON mention_keys (created_at);

ALTER TABLE relevance_labels DROP CONSTRAINT IF EXISTS relevance_labels_mention_id_fkey;
ALTER TABLE relevance_labels ADD CONSTRAINT relevance_labels_mention_id_fkey
    FOREIGN KEY (mention_id) REFERENCES mention_keys(id) ON DELETE CASCADE;

-- -- denormalised dashboard columns (before the old table goes) --------------------------

ALTER TABLE mention_workspaces
    ADD COLUMN author_id TEXT,
    ADD COLUMN platform TEXT NOT NULL DEFAULT '',
    ADD COLUMN lang TEXT NOT NULL DEFAULT '',
    ADD COLUMN sentiment_label TEXT,
    ADD COLUMN engagement BIGINT NOT NULL DEFAULT 0;
UPDATE mention_workspaces mw
SET author_id = m.author_id, platform = m.platform, lang = m.lang,
    sentiment_label = m.sentiment_label, engagement = m.likes + m.reposts + m.replies + m.quotes
FROM mentions m WHERE m.seq = mw.mention_seq;

DROP INDEX IF EXISTS mention_workspaces_time;
CREATE INDEX mention_workspaces_time ON mention_workspaces (workspace_id, created_at)
    INCLUDE (mention_seq, platform, lang, sentiment_label, author_id, engagement);
-- A re-collection refreshes sentiment and engagement of every workspace row of a mention.
CREATE INDEX mention_workspaces_mention ON mention_workspaces (mention_seq);
CREATE INDEX mention_queries_workspace ON mention_queries (workspace_id, created_at, query_id);

-- -- the partitioned table ---------------------------------------------------------------

ALTER TABLE mentions RENAME TO mentions_unpartitioned;
ALTER TABLE mentions_unpartitioned RENAME CONSTRAINT mentions_pkey TO mentions_unpartitioned_pkey;
ALTER SEQUENCE mentions_seq_seq OWNED BY NONE;

CREATE TABLE mentions (
    seq BIGINT NOT NULL DEFAULT nextval('mentions_seq_seq'),
    id TEXT NOT NULL,
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
    raw TEXT,
    raw_sha256 TEXT NOT NULL DEFAULT '',
    sentiment_label TEXT,
    sentiment_score REAL,
    cluster_id TEXT,
    enrichment JSONB NOT NULL DEFAULT '{}',
    search TSVECTOR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (seq, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE mentions_seq_seq OWNED BY mentions.seq;

CREATE TABLE mentions_default PARTITION OF mentions DEFAULT;

-- The partition of the month starting at `month_start` (a date, UTC), created when
-- missing. Rows of that month the default partition caught move into it. Safe to call
-- from concurrent writers (advisory lock, then re-check); ATTACH takes only a SHARE
-- UPDATE EXCLUSIVE lock on `mentions`, so reads and writes of other months go on.
CREATE FUNCTION socialhub_mention_partition(month_start DATE) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    first DATE := date_trunc('month', month_start)::date;
    lo TIMESTAMPTZ := first::timestamp AT TIME ZONE 'UTC';
    hi TIMESTAMPTZ := (first + INTERVAL '1 month')::timestamp AT TIME ZONE 'UTC';
    part TEXT := 'mentions_' || to_char(first, 'YYYY_MM');
BEGIN
    IF to_regclass(part) IS NOT NULL THEN
        RETURN part;
    END IF;
    PERFORM pg_advisory_xact_lock(5292450);
    IF to_regclass(part) IS NOT NULL THEN
        RETURN part;
    END IF;
    -- No writer may put a row of this month into the default partition between the
    -- move and the attach (the attach would then fail its check).
    LOCK TABLE mentions_default IN ACCESS EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE %I (LIKE mentions INCLUDING DEFAULTS)', part);
    EXECUTE format(
        'WITH moved AS (DELETE FROM mentions_default WHERE created_at >= %L '
        'AND created_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
        lo, hi, part);
    EXECUTE format(
        'ALTER TABLE mentions ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        part, lo, hi);
    RETURN part;
END
$$;

-- One partition per month that holds mentions, then the rows.
SELECT socialhub_mention_partition(month::date)
FROM (SELECT DISTINCT date_trunc('month', created_at) AS month FROM mentions_unpartitioned) months;

INSERT INTO mentions SELECT seq, id, platform, native_id, url, site, text, lang, kind,
    created_at, collected_at, collected_via, match_query, author_id, author_handle, reply_to,
    quote_of, repost_of, root_id, likes, reposts, replies, quotes, views, place, country,
    media, raw, raw_sha256, sentiment_label, sentiment_score, cluster_id, enrichment, search,
    updated_at
FROM mentions_unpartitioned;

DROP TABLE mentions_unpartitioned;

-- Indexes on the parent cascade to every partition, present and future.
CREATE INDEX mentions_id ON mentions (id);
CREATE INDEX mentions_created ON mentions (created_at);
CREATE INDEX mentions_author ON mentions (author_id, created_at);
CREATE INDEX mentions_reply_to ON mentions (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX mentions_quote_of ON mentions (quote_of) WHERE quote_of IS NOT NULL;
CREATE INDEX mentions_repost_of ON mentions (repost_of) WHERE repost_of IS NOT NULL;
CREATE INDEX mentions_search ON mentions USING GIN (search);
