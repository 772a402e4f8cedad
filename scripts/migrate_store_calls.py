"""Rewrite ``store.<method>(...)`` calls to ``store.<feature>.<method>(...)`` (issue 13).

The store was one class; each feature now has its repository (``store.alerts``...).
This rewrites call sites written before the split, e.g. on a branch merged later:

    .venv/bin/python scripts/migrate_store_calls.py src tests bench scripts

The method -> feature map is read from the protocols in ``socialhub.store.base``, so it
stays right as features are added. Only receivers that look like a store are touched
(``store``, ``self.store``, ``world.store``, ``pg_store``, ``store_of(request)``,
``open_store(...)``); run mypy afterwards to find any other.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

from socialhub.store import base

RECEIVER = (
    r"(?<![\w.])((?:[A-Za-z_]\w*\.)*[A-Za-z_]*store"
    r"|(?:[A-Za-z_]\w*\.)*store_of\(request\)|open_store\([^()]*\))"
)
EXTRA = {"ensure_partitions": "mentions", "forget_partitions": "mentions", "partitions": "mentions"}


def method_map() -> dict[str, str]:
    """``{method: feature}`` from the ``Store`` protocol's properties."""
    found: dict[str, str] = dict(EXTRA)
    for feature, prop in vars(base.Store).items():
        if not isinstance(prop, property) or prop.fget is None:
            continue
        protocol = getattr(base, prop.fget.__annotations__["return"])
        for name, _ in inspect.getmembers(protocol, inspect.isfunction):
            if not name.startswith("_"):
                found[name] = feature
    return found


def rewrite(text: str, methods: dict[str, str]) -> tuple[str, int]:
    names = "|".join(sorted(methods, key=len, reverse=True))
    pattern = re.compile(RECEIVER + r"\.(" + names + r")\b")

    def one(match: re.Match[str]) -> str:
        receiver, method = match.group(1), match.group(2)
        if receiver.startswith("socialhub."):  # a module path, not a store
            return match.group(0)
        return f"{receiver}.{methods[method]}.{method}"

    return pattern.subn(one, text)


def main(roots: list[str]) -> int:
    methods = method_map()
    total = 0
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            if "socialhub/store/" in path.as_posix():
                continue  # the repositories themselves
            text = path.read_text(encoding="utf-8")
            new, n = rewrite(text, methods)
            if n:
                path.write_text(new, encoding="utf-8")
                print(f"{path}: {n}")
                total += n
    print(f"{total} call(s) rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["src", "tests", "bench", "scripts"]))
