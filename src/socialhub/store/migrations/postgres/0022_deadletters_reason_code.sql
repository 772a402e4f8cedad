-- Dead-letter reasons shown in the reader's language (socialhub.records.quarantine): the
-- reason's stable code and its parameters next to the English text. Rows stored before
-- keep '' and '{}' and are shown as stored.
ALTER TABLE dead_letters ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letters ADD COLUMN reason_params JSONB NOT NULL DEFAULT '{}';
