"""Rule matching of each workspace's own names: brands, products, people, competitors.

NER misses ``mirabelle`` in a lowercase tweet and cannot know that ``Mira 5G`` is a
product, so the workspace lists them under the setting key ``entities``::

    [[workspace.settings.entities]]
    name = "Mirabelle Télécom"
    type = "brand"            # brand | product | person | organisation | competitor | place
    aliases = ["Mirabelle", "@MirabelleTel"]

and every watchlist member (name and @handle) is added too. A handle also names its
owner without the ``@`` (copies of posts lose it: "@Freebox" is written "freebox"),
and split at underscores and case changes ("@xavier_niel", "@XavierNiel" -> "xavier
niel"), when it has four characters or more. All names of all workspaces
go into one Aho-Corasick automaton over the folded text (lowercase, accents removed), so
matching costs one pass whatever the number of names; a hit must sit on word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from socialhub.i18n import M_
from socialhub.models import Watchlist
from socialhub.text import fold

ENTITY_TYPES = {
    "brand": "BRAND",
    "product": "PRODUCT",
    "person": "PER",
    "organisation": "ORG",
    "competitor": "BRAND",
    "place": "LOC",
}
# watchlist types whose members are organisations; the others are people
_ORG_LISTS = {"competitor", "partner"}
MAX_ENTRIES = 5_000
MAX_NAME_LEN = 200


@dataclass(frozen=True, slots=True)
class Entry:
    """One dictionary name: what a hit on any of its surface forms means."""

    name: str  # canonical name (the item's ``id``)
    type: str  # PER | ORG | LOC | BRAND | PRODUCT
    category: str  # the dictionary type or the watchlist's list type
    workspace_id: int


def validate_entities(value: Any) -> list[str]:
    """Check a workspace's ``entities`` setting; return the errors (empty: valid).

    Parameters
    ----------
    value
        The setting value as read from TOML/JSON: a list of tables with ``name`` (text),
        ``type`` (one of ``ENTITY_TYPES``) and optional ``aliases`` (list of text).

    Returns
    -------
    list of str
        One readable message per problem, naming the entry (``entities[2] ("Telvia")``).
    """
    if not isinstance(value, list):
        return [M_("entities must be a list of tables, not %(type)s", type=type(value).__name__)]
    errors: list[str] = []
    if len(value) > MAX_ENTRIES:
        errors.append(
            M_("entities has %(n)s entries; at most %(max)s", n=len(value), max=MAX_ENTRIES)
        )
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(value):
        where = f"entities[{i}]"
        if not isinstance(entry, dict):
            errors.append(M_("%(where)s must be a table with name, type, aliases", where=where))
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(M_("%(where)s: name must be a non-empty string", where=where))
            continue
        where = f"{where} ({name!r})"
        unknown = sorted(set(entry) - {"name", "type", "aliases"})
        if unknown:
            errors.append(
                M_(
                    "%(where)s: unknown keys %(unknown)s; expected name, type, aliases",
                    where=where,
                    unknown=unknown,
                )
            )
        kind = entry.get("type")
        if kind not in ENTITY_TYPES:
            errors.append(
                M_(
                    "%(where)s: type must be one of %(choices)s, not %(kind)r",
                    where=where,
                    choices=sorted(ENTITY_TYPES),
                    kind=kind,
                )
            )
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            errors.append(M_("%(where)s: aliases must be a list of strings", where=where))
            aliases = []
        for surface in [name, *aliases]:
            key = _pattern(surface)
            if not key:
                errors.append(
                    M_(
                        "%(where)s: %(surface)r has no letters or digits to match",
                        where=where,
                        surface=surface,
                    )
                )
            elif len(surface) > MAX_NAME_LEN:
                errors.append(
                    M_(
                        "%(where)s: %(surface)r... is longer than %(max)s",
                        where=where,
                        surface=surface[:30],
                        max=MAX_NAME_LEN,
                    )
                )
            elif (key, str(kind)) in seen and seen[(key, str(kind))] != i:
                errors.append(
                    M_(
                        "%(where)s: %(surface)r already names entities[%(index)s]",
                        where=where,
                        surface=surface,
                        index=seen[(key, str(kind))],
                    )
                )
            else:
                seen[(key, str(kind))] = i
    return errors


def _pattern(surface: str) -> str:
    """The folded form a surface is matched by ('' when nothing is left to match)."""
    key = " ".join(fold(surface).split())
    return key if any(ch.isalnum() for ch in key) else ""


#: Per-character folds, learnt as characters are met (bounded by Unicode's size):
#: ``_ONE`` maps characters that fold to exactly one character (for ``str.translate``),
#: ``_IRREGULAR`` those that vanish (combining accents) or grow ('ß' -> 'ss').
_ASCII_ONE = {i: chr(i).lower() for i in range(128)}
_ASCII_ONE_CHARS = frozenset(chr(i) for i in range(128))
_ONE: dict[int, str] = dict(_ASCII_ONE)
_IRREGULAR: dict[str, str] = {}
_KNOWN: set[str] = set(_ASCII_ONE_CHARS)
_KNOWN_MAX = 50_000


def _learn(chars: set[str]) -> None:
    for ch in chars:
        folded = "" if unicodedata.combining(ch) else fold(ch)
        if len(folded) == 1:
            _ONE[ord(ch)] = folded
        else:
            _IRREGULAR[ch] = folded
        _KNOWN.add(ch)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of its source character.

    Folding can change the length ('œ' stays, 'ß' becomes 'ss', combining accents
    vanish), so hits on the folded text are mapped back through this table. Folds are
    per character and memoised: most texts need one ``str.translate`` and no loop.
    """
    if text.isascii():
        return text.lower(), list(range(len(text)))
    new = set(text) - _KNOWN
    if new:
        if len(_KNOWN) + len(new) > _KNOWN_MAX:  # hostile input cycling code points
            _IRREGULAR.clear()
            _ONE.clear()
            _ONE.update(_ASCII_ONE)
            _KNOWN.clear()
            _KNOWN.update(_ASCII_ONE_CHARS)
        _learn(new)
    if _IRREGULAR.keys().isdisjoint(text):
        return text.translate(_ONE), list(range(len(text)))
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _IRREGULAR.get(ch)
        if folded is None:
            chars.append(_ONE.get(ord(ch)) or fold(ch))
            index.append(i)
        elif folded:
            chars.append(folded)
            index.extend([i] * len(folded))
    return "".join(chars), index


def _boundary(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    return not (before.isalnum() or before in "@_") and not (after.isalnum() or after == "_")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def handle_forms(handle: str) -> list[str]:
    """The surfaces a handle is matched by: ``@handle``, and (four characters or more)
    the bare handle and its words split at underscores and case changes."""
    bare = handle.strip().lstrip("@")
    if not bare:
        return []
    out = [f"@{bare}"]
    if len(bare) >= 4:
        out.append(bare)
        words = " ".join(_CAMEL.sub(" ", bare.replace("_", " ")).split())
        if words.lower() != bare.lower():
            out.append(words)
    return out


class Dictionary:
    """The names of every workspace, compiled into one automaton.

    Parameters
    ----------
    settings
        ``{workspace_id: value of its "entities" setting}``; invalid entries are skipped
        (the loader reports them with ``validate_entities``).
    watchlists
        Every watchlist; each member adds its name and @handle.
    """

    def __init__(self, settings: dict[int, Any], watchlists: Iterable[Watchlist] = ()) -> None:
        entries: dict[str, list[Entry]] = {}

        def add(surface: str, entry: Entry) -> None:
            key = _pattern(surface)
            if key and len(surface) <= MAX_NAME_LEN:
                hits = entries.setdefault(key, [])
                if entry not in hits:
                    hits.append(entry)

        for ws, value in settings.items():
            for item in value if isinstance(value, list) else []:
                if not isinstance(item, dict) or item.get("type") not in ENTITY_TYPES:
                    continue
                name = item.get("name")
                if not isinstance(name, str):
                    continue
                entry = Entry(name, ENTITY_TYPES[item["type"]], item["type"], ws)
                aliases = item.get("aliases") or []
                for surface in [name, *(a for a in aliases if isinstance(a, str))]:
                    for form in handle_forms(surface) if surface.startswith("@") else [surface]:
                        add(form, entry)
        for wl in watchlists:
            for member in wl.members:
                list_type = member.list_type if member.list_type != "other" else wl.list_type
                kind = "ORG" if list_type in _ORG_LISTS else "PER"
                handle = member.handle.strip().lstrip("@")
                canonical = member.name or f"@{handle}"
                entry = Entry(canonical, kind, list_type, wl.workspace_id)
                if member.name:
                    add(member.name, entry)
                for form in handle_forms(handle):
                    add(form, entry)
        self.size = len(entries)
        self._automaton: Any = ahocorasick.Automaton()
        for key, hits in entries.items():
            self._automaton.add_word(key, (len(key), tuple(hits)))
        if entries:
            self._automaton.make_automaton()

    def match(self, text: str, workspaces: set[int] | None = None) -> list[dict[str, Any]]:
        """Dictionary hits in ``text`` (longest non-overlapping per workspace).

        Parameters
        ----------
        workspaces
            Only names of these workspaces; ``None`` for all.
        """
        if not self.size or not text:
            return []
        folded, index = fold_with_offsets(text)
        # whitespace runs in the text match the single spaces of the patterns
        squeezed, back = _squeeze(folded)
        spans: list[tuple[int, int, Entry]] = []
        for end_idx, (length, hits) in self._automaton.iter(squeezed):
            start = end_idx - length + 1
            if not _boundary(squeezed, start, end_idx + 1):
                continue
            for entry in hits:
                if workspaces is None or entry.workspace_id in workspaces:
                    spans.append((start, end_idx + 1, entry))
        # longest first, then leftmost: 'Mirabelle Télécom' beats 'Mirabelle'
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        kept: list[tuple[int, int, Entry]] = []
        for s, e, entry in spans:
            ws = entry.workspace_id
            if any(ks < e and s < ke and k.workspace_id == ws for ks, ke, k in kept):
                continue
            kept.append((s, e, entry))
        out: list[dict[str, Any]] = []
        for s, e, entry in sorted(kept, key=lambda k: (k[0], k[2].workspace_id)):
            start = index[back[s]]
            end = index[back[e - 1]] + 1
            out.append(
                {
                    "text": text[start:end],
                    "type": entry.type,
                    "start": start,
                    "end": end,
                    "source": "rules",
                    "id": entry.name,
                    "workspace_id": entry.workspace_id,
                    "category": entry.category,
                }
            )
        return out


_ODD_SPACE = re.compile(r"\s\s|[^\S ]")


def _squeeze(folded: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs to one space; map each kept char to its folded index."""
    if not _ODD_SPACE.search(folded):  # nothing to collapse: the common case, no loop
        return folded, list(range(len(folded)))
    chars: list[str] = []
    back: list[int] = []
    prev_space = False
    for i, ch in enumerate(folded):
        if ch.isspace():
            if prev_space:
                continue
            prev_space = True
            ch = " "
        else:
            prev_space = False
        chars.append(ch)
        back.append(i)
    return "".join(chars), back
