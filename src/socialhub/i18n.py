"""Translations and locale formatting: every text a person reads goes through here.

Message ids are English; each locale's catalogues are the ``.po`` files of
``socialhub/locale/<locale>/`` (one file per feature, merged at load, so that features
add strings without touching each other's files). The catalogues are read from the
``.po`` text with Babel at first use — nothing compiled is committed.

The locale and time zone are per context (a request, a report build, a CLI command):
``with use_locale("fr", "Europe/Paris"): ...``. Outside any context the default is
French in Europe/Paris, the product's first audience.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
DEFAULT_TIMEZONE = "Europe/Paris"

_locale: ContextVar[str] = ContextVar("socialhub_locale", default=DEFAULT_LOCALE)
_timezone: ContextVar[str] = ContextVar("socialhub_timezone", default=DEFAULT_TIMEZONE)


def normalise_locale(value: str | None) -> str:
    """``fr_FR``, ``fr-FR``, ``FR`` → ``fr``; anything unknown → the default."""
    head = (value or "").replace("-", "_").split("_")[0].strip().lower()
    return head if head in LOCALES else DEFAULT_LOCALE


def current_locale() -> str:
    return _locale.get()


def current_timezone() -> str:
    return _timezone.get()


@contextlib.contextmanager
def use_locale(locale: str | None, timezone: str | None = None) -> Iterator[None]:
    """Run a block in ``locale`` (and ``timezone`` when given)."""
    t1 = _locale.set(normalise_locale(locale))
    t2 = _timezone.set(timezone or _timezone.get())
    try:
        yield
    finally:
        _timezone.reset(t2)
        _locale.reset(t1)


def set_locale(locale: str | None, timezone: str | None = None) -> None:
    """Set the locale (and zone) for the rest of the current context: a web request's
    dependency decides them once it knows the user and the workspace (the request
    itself runs inside a ``use_locale`` block, which restores them afterwards)."""
    _locale.set(normalise_locale(locale))
    if timezone:
        _timezone.set(timezone)


def negotiate(accept_language: str | None) -> str | None:
    """The first supported locale of an ``Accept-Language`` header, by weight."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        head = tag.replace("_", "-").split("-")[0].strip().lower()
        if head in LOCALES and weight > 0:
            ranked.append((-weight, i, head))
    return min(ranked)[2] if ranked else None


def _po_entries(locale: str) -> Iterator[tuple[str, str, Any]]:
    """(file name, msgid key, translation) of every translated entry of the locale's
    .po files, files in name order. English has none (and Babel is not imported)."""
    folder = resources.files("socialhub") / "locale" / locale
    if not folder.is_dir():
        return
    from babel.messages.pofile import read_po

    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if not message.id or not message.string or message.fuzzy:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                yield entry.name, key, message.string


@cache
def catalogue(locale: str) -> dict[str, Any]:
    """msgid (or (msgid, plural) tuple key) → translation, merged from every .po file
    (the last file's wins: :func:`conflicting_translations` reports any such clash)."""
    return {key: text for _file, key, text in _po_entries(locale)}


def gettext(message: str) -> str:
    found = catalogue(_locale.get()).get(message)
    if isinstance(found, str) and found:
        return found
    if isinstance(found, (tuple, list)) and found and found[0]:
        return str(found[0])
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    found = catalogue(_locale.get()).get(singular)
    if isinstance(found, (tuple, list)) and len(found) >= 2:
        # French and English both have two forms; French uses the singular for 0 and 1
        one = n in (0, 1) if _locale.get() == "fr" else n == 1
        chosen = found[0] if one else found[1]
        if chosen:
            return str(chosen)
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    found = catalogue(_locale.get()).get(f"{context}\x04{message}")
    return found if isinstance(found, str) and found else message


_ = gettext


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it where it is shown."""
    return message


class Message(str):
    """An English text that remembers its msgid and values, so that it can be shown
    later in the reader's locale (:func:`localised`). It *is* the English string: logs,
    ``--json``, API bodies and comparisons see the English, as before. Lower layers
    (the query parser, the legal desk, configuration checks) raise their errors with
    it; the command line shows them translated."""

    __slots__ = ("template", "values")
    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Message:
        self = super().__new__(cls, template % values if values else template)
        self.template = template
        self.values = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_message, (self.template, self.values))

    def localised(self) -> str:
        found = gettext(self.template)
        if not self.values:
            return found
        return found % {
            k: localised(v) if isinstance(v, Message) else v for k, v in self.values.items()
        }


def _message(template: str, values: dict[str, Any]) -> Message:
    return Message(template, **values)


def M_(template: str, **values: Any) -> Message:
    """``template % values`` in English, translatable when shown (see :class:`Message`)."""
    return Message(template, **values)


class Joined(str):
    """Texts joined by a separator (``"; ".join(problems)``): the English join, each part
    translated when shown."""

    __slots__ = ("parts", "sep")
    parts: tuple[str, ...]
    sep: str

    def __new__(cls, sep: str, parts: Iterable[str]) -> Joined:
        items = tuple(parts)
        self = super().__new__(cls, sep.join(items))
        self.parts, self.sep = items, sep
        return self

    def localised(self) -> str:
        return self.sep.join(localised(p) for p in self.parts)


def localised(text: object) -> str:
    """``text`` in the current locale: a :class:`Message`, an exception raised with one
    (its first argument) or with a ``localised()`` method, or a plain msgid; anything
    else unchanged."""
    if isinstance(text, BaseException):
        own = getattr(text, "localised", None)
        if callable(own):  # e.g. ConfigError, which lists several messages
            return str(own())
        first = text.args[0] if len(text.args) == 1 else None
        return first.localised() if isinstance(first, Message) else str(text)
    if isinstance(text, (Message, Joined)):
        return text.localised()
    return gettext(text) if isinstance(text, str) else str(text)


# -- formatting -------------------------------------------------------------------------


def _zone(timezone: str | None = None) -> tzinfo:
    try:
        return ZoneInfo(timezone or _timezone.get())
    except Exception:  # an unknown zone name falls back, never crashes a page
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_time(value: datetime, timezone: str | None = None) -> datetime:
    """``value`` (naive means UTC) in the context's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone(timezone))


def format_datetime(
    value: datetime | None, fmt: str = "medium", timezone: str | None = None
) -> str:
    """Date and time in the context's locale and time zone (24-hour clock in French)."""
    if value is None:
        return ""
    from babel.dates import format_datetime as babel_datetime

    return babel_datetime(local_time(value, timezone), fmt, locale=_locale.get())


def format_date(
    value: date | datetime | None, fmt: str = "medium", timezone: str | None = None
) -> str:
    if value is None:
        return ""
    from babel.dates import format_date as babel_date

    if isinstance(value, datetime):
        value = local_time(value, timezone).date()
    return babel_date(value, fmt, locale=_locale.get())


def format_time(value: datetime | None, fmt: str = "short", timezone: str | None = None) -> str:
    if value is None:
        return ""
    from babel.dates import format_time as babel_time

    return babel_time(local_time(value, timezone), fmt, locale=_locale.get())


def format_number(value: float | int | None, digits: int | None = None) -> str:
    if value is None:
        return ""
    from babel.numbers import format_decimal

    if digits is None:
        return format_decimal(value, locale=_locale.get())
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale.get())


def format_percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    return babel_percent(value, format=pattern, locale=_locale.get())


def install_jinja(env: Any) -> None:
    """Give a Jinja environment ``_()``, ``ngettext()`` and the formatting filters."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["_"] = gettext
    env.globals["current_locale"] = current_locale
    env.globals["current_timezone"] = current_timezone
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    env.filters["time"] = format_time
    env.filters["number"] = format_number
    env.filters["percent"] = format_percent


# -- the catalogue's completeness (tests/test_i18n_catalogue.py, scripts/i18n_check.py) --

PY_KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
    "M_": None,
}
JS_KEYWORDS: dict[str, Any] = {"_": None, "n_": (1, 2), "SH._": None, "SH.n_": (1, 2)}
_METHODS = {
    ".py": ("python", PY_KEYWORDS),
    ".html": ("jinja2.ext:babel_extract", PY_KEYWORDS),
    ".js": ("javascript", JS_KEYWORDS),
}


def extract_msgids(root: Any = None) -> dict[str, list[str]]:
    """Every msgid the sources use (Python, Jinja templates, page scripts) → where.

    A plural's key is its singular; a context's is ``context\\x04msgid`` as in the
    catalogue. ``root``: the package folder (default: the installed ``socialhub``).
    """
    from pathlib import Path

    from babel.messages.extract import extract

    base = Path(root) if root is not None else Path(str(resources.files("socialhub")))
    found: dict[str, list[str]] = {}
    for path in sorted(base.rglob("*")):
        method = _METHODS.get(path.suffix)
        if method is None or "node_modules" in path.parts or "vendor" in path.parts:
            continue
        if path.suffix == ".html" and "templates" not in path.parts:
            continue
        with path.open("rb") as fh:
            for line, message, _comments, context in extract(
                method[0], fh, keywords=method[1], options={"extensions": "jinja2.ext.i18n"}
            ):
                msgid = message[0] if isinstance(message, tuple) else message
                if not msgid:
                    continue
                key = f"{context}\x04{msgid}" if context else msgid
                found.setdefault(key, []).append(f"{path.relative_to(base)}:{line}")
    return found


def missing_translations(locale: str = "fr", root: Any = None) -> dict[str, list[str]]:
    """The msgids of :func:`extract_msgids` without a translation in ``locale``."""
    known = catalogue(locale)
    return {m: where for m, where in extract_msgids(root).items() if m not in known}


def conflicting_translations(locale: str = "fr") -> dict[str, list[tuple[str, str]]]:
    """msgids translated differently in two of the locale's .po files → (file, text)
    each. The catalogue keeps the last file's, so the other is silently lost."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for name, key, text in _po_entries(locale):
        shown = text if isinstance(text, str) else "|".join(text)
        seen.setdefault(key, []).append((name, shown))
    return {k: v for k, v in seen.items() if len({text for _f, text in v}) > 1}
