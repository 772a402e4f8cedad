"""Configuration as code: ``socialhub apply FILE.toml`` and ``socialhub export-config``.

Public API::

    load_config(path) -> Config                      # raises ConfigError (all problems)
    parse_config(text, *, base_dir=None, source="") -> Config
    apply_config(cfg, store, *, prune=False, dry_run=False, env=None) -> ApplyReport
    export_config(store, *, workspaces=None) -> str  # TOML that load_config reads back
    passwords.hash_password(pw) / passwords.verify_password(hash, pw)
"""

from .apply import ApplyReport, apply_config
from .export import export_config
from .load import load_config, parse_config, query_error
from .model import (
    Config,
    ConfigError,
    MemberSpec,
    QuerySpec,
    UserSpec,
    WatchlistSpec,
    WorkspaceSpec,
)

__all__ = [
    "ApplyReport",
    "Config",
    "ConfigError",
    "MemberSpec",
    "QuerySpec",
    "UserSpec",
    "WatchlistSpec",
    "WorkspaceSpec",
    "apply_config",
    "export_config",
    "load_config",
    "parse_config",
    "query_error",
]
