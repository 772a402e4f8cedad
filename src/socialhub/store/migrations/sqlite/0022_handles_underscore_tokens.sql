-- Tokeniser version 2 (issue 18): handles and hashtags keep their "_" (@laura_mich75 is
-- one token, no longer @laura + mich75). FTS5's unicode61 tokenizer must then keep "_"
-- inside a token, which only a new table can say: mentions_fts is rebuilt empty here,
-- and socialhub.store.reindex refills it (every row up to upto_seq, in chunks that
-- commit and move after_seq, so an interrupted re-index resumes) when migrate() ends.
-- Rows added after this migration are indexed by the new code and never re-indexed.

DROP TABLE mentions_fts;

CREATE VIRTUAL TABLE mentions_fts USING fts5(
    tokens, content='', tokenize="unicode61 remove_diacritics 0 tokenchars '#@_'"
);

CREATE TABLE search_reindex (
    name TEXT PRIMARY KEY,
    after_seq INTEGER NOT NULL DEFAULT 0,  -- rows up to here are done
    upto_seq INTEGER NOT NULL,             -- the last row indexed by the old tokeniser
    only_underscore INTEGER NOT NULL       -- 1: only texts holding "_" changed
);

INSERT INTO search_reindex (name, after_seq, upto_seq, only_underscore)
SELECT 'tokens_v2', 0, coalesce(max(seq), 0), 0 FROM mentions;
