-- The route tables' foreign keys to mentions(seq) cost a trigger per row on every import
-- (about 15% of bulk-load time), and the mention rows they point at are inserted in the
-- same transaction by the same statement sequence. Dropped: code that deletes mentions
-- (retention, erasure) deletes their routes explicitly. The cascades from queries and
-- workspaces stay.
ALTER TABLE mention_queries DROP CONSTRAINT IF EXISTS mention_queries_mention_seq_fkey;
ALTER TABLE mention_workspaces DROP CONSTRAINT IF EXISTS mention_workspaces_mention_seq_fkey;
