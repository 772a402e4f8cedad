-- Localisation (issue 15): a workspace's language beside its time zone, and a user's
-- optional UI language ('' = follow the workspace).
ALTER TABLE workspaces ADD COLUMN locale TEXT NOT NULL DEFAULT 'fr';
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '';
