-- Relevance per query (issue 3 part 6): the analysts' labels and the trained models.

CREATE TABLE relevance_labels (
    query_id BIGINT NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    label BOOLEAN NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    labelled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (query_id, mention_id)
);
-- ON DELETE CASCADE from mentions looks labels up by mention.
CREATE INDEX relevance_labels_mention ON relevance_labels (mention_id);

-- One row per query: the latest model; version increases by one at each training.
CREATE TABLE relevance_models (
    query_id BIGINT PRIMARY KEY REFERENCES queries(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    trained_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    n_labels INTEGER NOT NULL,
    metrics JSONB NOT NULL DEFAULT '{}',
    weights BYTEA NOT NULL
);
