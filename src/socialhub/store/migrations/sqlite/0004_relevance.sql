-- Relevance per query (issue 3 part 6): the analysts' labels and the trained models.
-- Times are INTEGER milliseconds since the Unix epoch, UTC; metrics are orjson text.

CREATE TABLE relevance_labels (
    query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    label INTEGER NOT NULL CHECK (label IN (0, 1)),
    username TEXT NOT NULL DEFAULT '',
    labelled_at INTEGER NOT NULL,
    PRIMARY KEY (query_id, mention_id)
) WITHOUT ROWID;
-- ON DELETE CASCADE from mentions looks labels up by mention.
CREATE INDEX relevance_labels_mention ON relevance_labels (mention_id);

-- One row per query: the latest model; version increases by one at each training.
CREATE TABLE relevance_models (
    query_id INTEGER PRIMARY KEY REFERENCES queries(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    trained_at INTEGER NOT NULL,
    n_labels INTEGER NOT NULL,
    metrics TEXT NOT NULL DEFAULT '{}',
    weights BLOB NOT NULL
);
