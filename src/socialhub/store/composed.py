"""One store = one connection object + one repository per feature, sharing it.

``store.mentions.add(batch)``, ``store.alerts.save_alert(alert)``... Each repository
implements one narrow protocol of :mod:`.base`; a consumer that needs one feature asks
for that protocol, not for the whole store. A new feature adds its own repository module
(SQL for both dialects, a migration for each) and one attribute here.
"""

from __future__ import annotations

from socialhub.store.accounts import AccountRepo
from socialhub.store.admin import WorkspaceRepo
from socialhub.store.alerts import AlertRepo
from socialhub.store.chain import ChainRepo
from socialhub.store.checkpoints import CheckpointRepo, ProcessRepo
from socialhub.store.dashboard import DashboardRepo
from socialhub.store.engage import EngageRepo
from socialhub.store.imports import ImportRepo
from socialhub.store.incidents import IncidentRepo
from socialhub.store.launches import LaunchRepo
from socialhub.store.oncall import OncallRepo
from socialhub.store.reads import MentionReads
from socialhub.store.reindex import Progress, reindex_search
from socialhub.store.relevance import RelevanceRepo
from socialhub.store.reports import ReportRepo
from socialhub.store.sources import SourceRepo
from socialhub.store.sqlbase import SqlDb
from socialhub.store.stories import StoryRepo
from socialhub.store.walls import WallRepo
from socialhub.store.web import SessionRepo


class SqlStore:
    """The feature repositories of one SQL database (SQLite or PostgreSQL)."""

    def __init__(self, db: SqlDb, mentions: MentionReads) -> None:
        self.db = db
        self.url = db.url
        self.mentions = mentions
        self.accounts = AccountRepo(db)
        self.workspaces = WorkspaceRepo(db)
        self.sources = SourceRepo(db)
        self.relevance = RelevanceRepo(db)
        self.alerts = AlertRepo(db)
        self.reports = ReportRepo(db)
        self.launches = LaunchRepo(db)
        self.sessions = SessionRepo(db)
        self.walls = WallRepo(db)
        self.dashboard = DashboardRepo(db, mentions)
        self.checkpoints = CheckpointRepo(db)
        self.processes = ProcessRepo(db)
        self.stories = StoryRepo(db, mentions)
        self.incidents = IncidentRepo(db)
        self.oncall = OncallRepo(db)
        self.chain = ChainRepo(db)
        self.engage = EngageRepo(db)
        self.imports = ImportRepo(db)  # what a resumed import asks (store/imports.py)

    def migrate(self, progress: Progress | None = None) -> list[str]:
        """Apply pending named migrations, then any search re-index they asked for
        (:mod:`.reindex`, ``progress(done, total)`` per chunk); return the names applied now."""
        applied = self.db.migrate()
        reindex_search(self.db, progress)
        return applied

    def applied_migrations(self) -> list[str]:
        return self.db.applied_migrations()

    def close(self) -> None:
        self.db.close()
