"""Imports point down the layers and never form a circle (docs/architecture.md).

Every ``import`` in src/socialhub counts, at module level or inside a function, and
also under ``TYPE_CHECKING``: a lazy or typing-only import still ties the lower module
to the higher one. ``from package import name`` counts as an import of the submodule
``package.name`` when there is one, else of the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Rank of each top-level module or package of socialhub: a module may import its own
# rank or lower ones. Keep in step with the picture in docs/architecture.md.
LAYERS: dict[str, int] = {
    # 0 - vocabulary: records, text, the query language, the bus, plugin hook specs
    "models": 0,
    "text": 0,
    "records": 0,
    "query": 0,
    "bus": 0,
    "serialize": 0,
    "hookspecs": 0,
    "shared_data": 0,
    "i18n": 0,
    "pydantic_text": 0,
    # 1 - persistence
    "store": 1,
    # 2 - per-mention processing, the synthetic stream, the component registry
    "pipeline": 2,
    "enrichers": 2,
    "relevance": 2,
    "settings": 2,
    "plugins": 2,
    "demo": 2,
    # 3 - sources, detectors, alerts
    "connectors": 3,
    "alerts": 3,
    "analytics": 3,
    "mailer": 3,
    "engage": 3,
    # 4 - what is built from them
    "reports": 4,
    "ingest": 4,
    "config": 4,
    "builtins": 4,
    "ops": 4,
    "legal": 4,
    "privacy": 4,
    # 5 - long-running processes and the web app
    "web": 5,
    "processes": 5,
    "hub": 5,
    # 6 - the command line
    "cli": 6,
}

# Upward imports kept on purpose, each with its reason. Keep this list short.
ALLOWED_UP: dict[tuple[str, str], str] = {
    ("socialhub.plugins", "socialhub.builtins"): (
        "the registry registers the built-in components at its first lookup (lazily), "
        "through the same hooks as third-party plugins: lower layers find components "
        "by name and never import them"
    ),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((SRC / "socialhub").rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("socialhub"):
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("socialhub"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield sub if sub in known else target


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {
        name: {t for t in imports(name, path, known) if t != name and t in known}
        for name, path in found.items()
    }


def layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_every_top_level_module_has_a_layer() -> None:
    tops = {name.split(".")[1] for name in modules() if "." in name}
    assert tops - set(LAYERS) == set(), "give each new top-level module a layer"


def test_imports_only_point_down() -> None:
    upward = []
    for source, targets in graph().items():
        for target in targets:
            low, high = layer(source), layer(target)
            upward_edge = low is not None and high is not None and high > low
            if upward_edge and (source, target) not in ALLOWED_UP:
                upward.append(f"{source} (layer {low}) imports {target} (layer {high})")
    assert upward == [], "\n".join(sorted(upward))


def test_allowed_exceptions_are_still_needed() -> None:
    g = graph()
    stale = [pair for pair in ALLOWED_UP if pair[1] not in g.get(pair[0], set())]
    assert stale == [], f"remove these from ALLOWED_UP: {stale}"


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(g):
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(g[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_circles() -> None:
    assert circles(graph()) == []


def test_the_checks_catch_what_they_claim() -> None:
    """The checkers themselves: a made-up circle and a made-up upward import."""
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
    assert layer("socialhub.store.sqlite") == 1 and layer("socialhub.cli.main") == 6
    assert "socialhub.store.base" in graph()["socialhub.store"]


def test_no_class_has_more_than_25_public_methods() -> None:
    """The store was one class of ~115 methods; features now get their own repository."""
    big = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                public = [
                    f.name
                    for f in node.body
                    if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not f.name.startswith("_")
                ]
                if len(public) > 25:
                    big.append(f"{name}.{node.name}: {len(public)}")
    assert big == []
