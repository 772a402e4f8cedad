"""Check that socialhub runs with its run-time dependencies only (no ``[dev]`` extra).

A real ``pip install .`` into an empty venv downloads and builds ~1 GB (spaCy, numpy,
WeasyPrint...) and takes minutes, too slow for every CI run. This builds the same
environment offline in a second instead: a fresh venv (no system site-packages) that
sees only the distributions ``[project].dependencies`` of pyproject.toml pulls in,
resolved transitively from the installed metadata (markers evaluated, extras
followed only where a requirement names them). A module missing from that closure,
like ``pluggy`` was, fails to import here exactly as after a real install.

Then it runs ``socialhub --help`` and a plugin lookup (enrichers, detectors,
connectors, sources) with that venv's interpreter.

    .venv/bin/python scripts/check_install.py
"""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

LOOKUP = """
import sys
from socialhub import plugins
found = {kind: sorted(getattr(plugins, kind)()) for kind in
         ("enrichers", "detectors", "connectors", "sources")}
for kind, names in found.items():
    assert names, f"no {kind} registered"
    print(kind, len(names), ", ".join(names[:6]))
"""


def closure(requirements: list[str]) -> dict[str, md.Distribution]:
    """Installed distributions the requirements need, transitively."""
    found: dict[str, md.Distribution] = {}
    todo = [(Requirement(r), frozenset[str]()) for r in requirements]
    while todo:
        req, _ = todo.pop()
        name = canonicalize_name(req.name)
        if name in found:
            continue
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            sys.exit(f"required by pyproject but not installed: {req}")
        found[name] = dist
        for text in dist.requires or []:
            sub = Requirement(text)
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append((sub, frozenset(req.extras)))
    return found


def link_tree(dists: dict[str, md.Distribution], target: Path) -> None:
    """Symlink each distribution's top-level files and folders (from its RECORD)."""
    for dist in dists.values():
        tops: set[str] = set()
        for file in dist.files or []:
            parts = Path(file).parts
            if parts and parts[0] != ".." and not parts[0].endswith(".pth"):
                tops.add(parts[0])
        base = Path(str(dist.locate_file("")))
        for top in tops:
            source, dest = base / top, target / top
            if not source.exists():
                continue
            if not dest.exists():
                dest.symlink_to(source)
            elif dest.is_dir() and source.is_dir():  # a shared namespace folder
                if dest.is_symlink():
                    first = dest.resolve()
                    dest.unlink()
                    dest.mkdir()
                    for child in first.iterdir():
                        (dest / child.name).symlink_to(child)
                for child in source.iterdir():
                    if not (dest / child.name).exists():
                        (dest / child.name).symlink_to(child)


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dists = closure(project["dependencies"])
    dists.pop("socialhub", None)
    with tempfile.TemporaryDirectory(prefix="socialhub-install-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
        python = env_dir / "bin" / "python"
        site = Path(
            subprocess.check_output(
                [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                text=True,
            ).strip()
        )
        deps = Path(tmp) / "deps"
        deps.mkdir()
        link_tree(dists, deps)
        # socialhub from this tree, with its entry points (metadata written here).
        meta = deps / "socialhub-0.0.0.dist-info"
        meta.mkdir()
        (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: socialhub\nVersion: 0.0.0\n")
        (site / "deps.pth").write_text(f"{deps}\n{ROOT / 'src'}\n")
        print(f"{len(dists)} run-time distributions linked", flush=True)
        cli = (
            "import sys; from socialhub.cli.main import app; "
            "sys.argv = ['socialhub', '--help']; app()"
        )
        for code in (cli, LOOKUP):
            done = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=tmp)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
                return 1
            lines = done.stdout.strip().splitlines()
            print("\n".join(lines[:3] if code is cli else lines))
    print("install without dev extras: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
