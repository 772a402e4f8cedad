"""Every third-party module src/ imports is a declared run-time dependency.

``pluggy`` was imported on the first plugin lookup but only the test extras pulled it
in, so an install without them failed. scripts/check_install.py proves the same on a
real environment in CI; this catches it in the test suite, statically.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# Imported only by the ``socialhub eval`` baseline, which says to install [dev].
DEV_ONLY = {"vaderSentiment", "vaderSentiment_fr"}


def third_party_imports() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "src" / "socialhub").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "socialhub":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_runtime_import_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    providers = md.packages_distributions()
    missing = {}
    for module, where in third_party_imports().items():
        if module in DEV_ONLY:
            continue
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & declared:
            missing[module] = where
    assert not missing, f"imported at run time but not in [project].dependencies: {missing}"


def test_dev_only_modules_are_in_the_dev_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev = {canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["dev"]}
    assert {canonicalize_name(m) for m in DEV_ONLY} <= {canonicalize_name(d) for d in dev}
