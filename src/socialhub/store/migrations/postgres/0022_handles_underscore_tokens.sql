-- Tokeniser version 2 (issue 18): handles and hashtags keep their "_" (@laura_mich75 is
-- one token, no longer @laura + mich75). The "search" tsvector is built in Python, so
-- socialhub.store.reindex rewrites it when migrate() ends, for the rows up to upto_seq
-- whose text holds an "_" (the only texts whose tokens changed), in chunks that commit
-- and move after_seq, so an interrupted re-index resumes. Rows added after this
-- migration are indexed by the new code.

CREATE TABLE search_reindex (
    name TEXT PRIMARY KEY,
    after_seq BIGINT NOT NULL DEFAULT 0,  -- rows up to here are done
    upto_seq BIGINT NOT NULL,             -- the last row indexed by the old tokeniser
    only_underscore BOOLEAN NOT NULL      -- true: only texts holding "_" changed
);

INSERT INTO search_reindex (name, after_seq, upto_seq, only_underscore)
SELECT 'tokens_v2', 0, coalesce(max(seq), 0), true FROM mentions;
