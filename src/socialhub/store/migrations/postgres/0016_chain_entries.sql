-- Append-only hash chains (issue 16): the engagement audit log ("audit") and the legal
-- chains of custody ("custody:<case>") share this table; socialhub.records.chain defines
-- the hashing. Rows are only ever inserted: the triggers refuse UPDATE, DELETE and
-- TRUNCATE, and (chain, seq) is unique so two writers can never extend a chain from the
-- same head (writers also serialise per chain on an advisory lock, see store/chain.py).
-- payload is canonical JSON kept as TEXT (jsonb would rewrite it).

CREATE TABLE chain_entries (
    id BIGSERIAL PRIMARY KEY,
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX chain_entries_subject ON chain_entries (subject, id);

CREATE FUNCTION chain_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'chain_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER chain_entries_no_change BEFORE UPDATE OR DELETE ON chain_entries
    FOR EACH ROW EXECUTE FUNCTION chain_entries_append_only();
CREATE TRIGGER chain_entries_no_truncate BEFORE TRUNCATE ON chain_entries
    FOR EACH STATEMENT EXECUTE FUNCTION chain_entries_append_only();
