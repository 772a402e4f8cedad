-- Account audit trail (issue 6): who deactivated, reactivated or changed the password
-- of which user, and when. The username is copied so a line stays readable whatever
-- happens to the account later; `actor` is the acting username ("cli:<login>" from the
-- command line).

CREATE TABLE user_events (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    username TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX user_events_user ON user_events (user_id, id);
CREATE INDEX user_events_at ON user_events (at);
