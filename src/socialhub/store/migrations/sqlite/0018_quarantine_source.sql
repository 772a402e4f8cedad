-- A resumed import looks up the quarantine rows it already wrote (store/imports.py).
CREATE INDEX quarantine_source ON quarantine (source, location);
