-- Legal desk and privacy (issue 17). Times are timestamptz (UTC); JSON columns are
-- jsonb.
--
-- legal_cases: a case file (title, reason, status, owner). Items of a case that is not
-- closed are under legal hold: retention and erasure skip them and say why.
-- legal_case_items: what was sent to legal, with a copy of the normalised record and the
-- raw payload as stored when it was added (evidence survives a later re-collection).
-- legal_case_notes: the case's notes (each one is also a custody entry).
-- legal_captures: content-addressed files of the page as shown (WARC, screenshot, PDF),
-- or the refusal/failure of a capture; the file itself lives under the capture folder,
-- named by its SHA-256.
-- legal_hold_events: each time a hold spared an item from retention or erasure.
-- legal_proposals: posts the flagging classifier proposes to legal (never a case by
-- itself); a person accepts (opening a case) or dismisses each.
-- privacy_erasures: each erasure, under the SHA-256 of the subject (never the handle).

CREATE TABLE legal_cases (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'investigating', 'filed', 'closed')),
    owner TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ
);
CREATE INDEX legal_cases_workspace ON legal_cases (workspace_id, status, updated_at);

CREATE TABLE legal_case_items (
    case_id BIGINT NOT NULL REFERENCES legal_cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mention', 'alert')),
    item_id TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    record JSONB NOT NULL DEFAULT '{}',
    raw TEXT,
    raw_sha256 TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL DEFAULT '',
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, kind, item_id)
);
CREATE INDEX legal_case_items_item ON legal_case_items (kind, item_id);

CREATE TABLE legal_case_notes (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES legal_cases(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX legal_case_notes_case ON legal_case_notes (case_id, id);

CREATE TABLE legal_captures (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES legal_cases(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    artifact TEXT NOT NULL CHECK (artifact IN ('warc', 'screenshot', 'pdf')),
    url TEXT NOT NULL,
    final_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('ok', 'refused', 'failed')),
    sha256 TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL DEFAULT 0,
    media_type TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    captured_by TEXT NOT NULL DEFAULT '',
    captured_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX legal_captures_case ON legal_captures (case_id, item_id);

CREATE TABLE legal_hold_events (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES legal_cases(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('erasure', 'retention')),
    reason TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX legal_hold_events_case ON legal_hold_events (case_id, id);

CREATE TABLE privacy_erasures (
    id BIGSERIAL PRIMARY KEY,
    subject_sha256 TEXT NOT NULL,
    requested_by TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL,
    counts JSONB NOT NULL DEFAULT '{}',
    held JSONB NOT NULL DEFAULT '[]'
);
CREATE INDEX privacy_erasures_subject ON privacy_erasures (subject_sha256);

CREATE TABLE legal_proposals (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL,
    label TEXT NOT NULL CHECK (label IN ('defamation', 'insult', 'threat')),
    score REAL NOT NULL,
    cues JSONB NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'dismissed')),
    case_id BIGINT REFERENCES legal_cases(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMPTZ,
    UNIQUE (workspace_id, mention_id)
);
CREATE INDEX legal_proposals_open ON legal_proposals (workspace_id, status, score);
