-- Append-only hash chains (issue 16): the engagement audit log ("audit") and the legal
-- chains of custody ("custody:<case>") share this table; socialhub.records.chain defines
-- the hashing. Rows are only ever inserted: the triggers refuse UPDATE and DELETE, and
-- (chain, seq) is unique so two writers can never extend a chain from the same head.
-- Times are INTEGER milliseconds since the Unix epoch, UTC; payload is canonical JSON.

CREATE TABLE chain_entries (
    id INTEGER PRIMARY KEY,
    chain TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX chain_entries_subject ON chain_entries (subject, id);

CREATE TRIGGER chain_entries_no_update BEFORE UPDATE ON chain_entries
BEGIN
    SELECT RAISE(ABORT, 'chain_entries is append-only: UPDATE refused');
END;

CREATE TRIGGER chain_entries_no_delete BEFORE DELETE ON chain_entries
BEGIN
    SELECT RAISE(ABORT, 'chain_entries is append-only: DELETE refused');
END;
