"""Why a payload was quarantined: a stable code and its parameters, shown in the reader's
language.

Every reason the code can produce is one entry of :data:`REASONS`: a code that never
changes, and an English template that is also the msgid of the French catalogue
(``locale/fr/quarantine.po``). A producer writes ``Reason("missing_field",
field="created_at")``: it *is* the English text (``"missing created_at: no value for
created_at"``, as stored before codes existed, so logs, ``--json``, the import's
per-category counts and a resumed import's duplicate check see the same text), and it
carries its code and parameters, which the store keeps next to the text (migration
0022). The web page, the API's ``display_reason`` and ``socialhub quarantine list``
rebuild the sentence with :func:`display_reason` in the reader's language; a row stored
before codes existed (or with a code this version does not know) is shown as stored.

Parameters are values, never translated, except the ones a spec names in
``translated`` (a JSON parser's or CSV reader's own message, when the catalogue knows
it); numbers named in ``grouped`` get the reader's thousands separator.

>>> from socialhub.i18n import use_locale
>>> why = Reason("missing_field", field="created_at")
>>> why, why.code, why.params
('missing created_at: no value for created_at', 'missing_field', {'field': 'created_at'})
>>> with use_locale("fr"):
...     display_reason(why, why.code, why.params)
'created_at manquant : aucune valeur pour created_at'
>>> with use_locale("fr"):
...     display_reason("stored before codes", "", {})
'stored before codes'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from socialhub.i18n import N_, format_number, gettext

__all__ = ["JSON_ERRORS", "REASONS", "Reason", "ReasonSpec", "display_reason", "json_error"]


@dataclass(frozen=True, slots=True)
class ReasonSpec:
    """One reason: its English template (the msgid) and how its parameters are shown."""

    english: str
    #: shown instead of ``english`` when the stored text is too bare to translate
    #: (an exception's type and message): a fuller sentence with the same parameters
    shown: str = ""
    grouped: tuple[str, ...] = ()  # numbers written with thousands separators
    translated: tuple[str, ...] = ()  # parameters looked up in the catalogue


REASONS: dict[str, ReasonSpec] = {
    # -- reading the file (ingest) -------------------------------------------------------
    "invalid_json": ReasonSpec(
        N_("invalid JSON: %(error)s: line %(line)s column %(column)s (char %(char)s)"),
        translated=("error",),
    ),
    "invalid_json_text": ReasonSpec(N_("invalid JSON: %(error)s"), translated=("error",)),
    "record_too_large": ReasonSpec(
        N_(
            "record larger than %(limit)s MiB: %(size)s bytes (the first %(kept)s characters"
            " are kept here, the whole record is in the file)"
        ),
        grouped=("size", "kept"),
    ),
    "record_too_large_bytes": ReasonSpec(
        N_(
            "record larger than %(limit)s bytes: %(size)s bytes (the first %(kept)s characters"
            " are kept here, the whole record is in the file)"
        ),
        grouped=("limit", "size", "kept"),
    ),
    "csv_unclosed_quote": ReasonSpec(N_("broken row: a quoted field never closes")),
    "csv_stray_cr": ReasonSpec(
        N_("broken row: stray carriage return (\\r) inside an unquoted field")
    ),
    "csv_error": ReasonSpec(N_("broken row: %(error)s"), translated=("error",)),
    "csv_swallowed_rows": ReasonSpec(
        N_(
            "broken row: a quote opened here never closes and swallows the next row(s)"
            " (unbalanced quote?)"
        )
    ),
    "csv_field_count": ReasonSpec(
        N_("wrong field count: %(count)s field(s), the header has %(width)s"),
        grouped=("count", "width"),
    ),
    "csv_field_count_quote": ReasonSpec(
        N_("wrong field count: %(count)s field(s), the header has %(width)s (unbalanced quote?)"),
        grouped=("count", "width"),
    ),
    "not_an_object": ReasonSpec(N_("unsupported record: expected a JSON object, got %(type)s")),
    # -- turning a record into a mention (ingest, the X normaliser) ----------------------
    "missing_text": ReasonSpec(N_("missing text: the text is empty")),
    "missing_field": ReasonSpec(N_("missing %(field)s: no value for %(field)s")),
    "unreadable_date": ReasonSpec(N_("unparseable %(field)s: cannot read %(value)s as a date")),
    "date_out_of_range": ReasonSpec(N_("unparseable %(field)s: date %(value)s is out of range")),
    "mention_without_id": ReasonSpec(
        N_("unsupported record: mention without platform or native_id")
    ),
    "unknown_kind": ReasonSpec(N_("invalid value: unknown kind %(kind)s")),
    "author_without_id": ReasonSpec(N_("invalid value: author without native_id")),
    "invalid_value": ReasonSpec(N_("invalid value: %(error)s")),
    "x_not_page_or_tweet_type": ReasonSpec(
        N_("unsupported record: expected an X API v2 page or tweet, got %(type)s")
    ),
    "x_not_page_or_tweet": ReasonSpec(
        N_("unsupported record: not an X API v2 page (data/includes/meta) nor a tweet (id, text)")
    ),
    "x_tweet_not_object": ReasonSpec(N_("unsupported record: tweet is not an object")),
    "x_error_page": ReasonSpec(N_("X API error page: %(detail)s")),
    "x_invalid_page": ReasonSpec(N_("invalid value: page: %(error)s")),
    "x_id_not_numeric": ReasonSpec(N_("unsupported record: tweet id %(id)s is not numeric")),
    "x_no_created_at": ReasonSpec(
        N_("missing created_at: no created_at and the id predates X snowflakes")
    ),
    "x_missing_text": ReasonSpec(N_("missing text: the tweet text is empty")),
    # -- the stream (pipeline, analytics) --------------------------------------------------
    "stage_failed": ReasonSpec(
        "%(error_type)s: %(error)s",
        shown=N_("stage %(stage)s failed: %(error_type)s: %(error)s"),
    ),
    "undecodable_mention": ReasonSpec(N_("undecodable mention: %(error_type)s: %(error)s")),
    "undecodable_stored_mention": ReasonSpec(
        N_("undecodable stored mention: %(error_type)s: %(error)s")
    ),
}

#: Appended to any reason with a ``read_as`` parameter (a CSV line decoded as cp1252...).
READ_AS = N_(" (line read as %(read_as)s, not UTF-8)")

#: The JSON parser's (orjson's) and the CSV reader's own messages, translated when shown
#: as a reason's ``error``; any other message is shown as it came.
JSON_ERRORS = (
    N_("unexpected character, expected a JSON value"),
    N_("unexpected character, expected a string key"),
    N_("unexpected character, expected ':' after key"),
    N_("unexpected character, expected ',' or ']'"),
    N_("unexpected character, expected ',' or '}'"),
    N_("unexpected content after document"),
    N_("unexpected end of data"),
    N_("unexpected control character in string"),
    N_("trailing comma is not allowed"),
    N_("invalid escaped sequence in string"),
    N_("invalid escape in string"),
    N_("invalid high surrogate in string"),
    N_("invalid low surrogate in string"),
    N_("invalid UTF-8 encoding in string"),
    N_("invalid literal, expected 'true'"),
    N_("invalid literal, expected 'false'"),
    N_("invalid literal, expected 'null'"),
    N_("no digit after sign"),
    N_("no digit after decimal point"),
    N_("no digit after exponent sign"),
    N_("number with leading zero is not allowed"),
    N_("number is infinity when parsed as double"),
    N_("input data is empty"),
    N_("Input is a zero-length, empty document"),
    N_("str is not valid UTF-8: surrogates not allowed"),
)


def _render(spec: ReasonSpec, params: Mapping[str, Any], *, english: bool) -> str:
    values: dict[str, str] = {}
    for key, value in params.items():
        if key in spec.grouped and isinstance(value, int | float):
            values[key] = f"{value:,}" if english else format_number(value)
        elif key in spec.translated and not english:
            values[key] = gettext(str(value))
        else:
            values[key] = str(value)
    template = spec.english if english else gettext(spec.shown or spec.english)
    text = template % values
    if "read_as" in params:
        text += (READ_AS if english else gettext(READ_AS)) % values
    return text


class Reason(str):
    """A quarantine reason: the English text, with its :attr:`code` and :attr:`params`.

    Raises ``KeyError`` for a code :data:`REASONS` does not list (a programming error:
    every reason must be translatable) and ``KeyError``/``TypeError`` for missing
    parameters.
    """

    __slots__ = ("code", "params")
    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Reason:
        self = super().__new__(cls, _render(REASONS[code], params, english=True))
        self.code = code
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reason, (self.code, self.params))

    def read_as(self, encodings: str) -> Reason:
        """The same reason, noting that its line was not read as UTF-8."""
        return Reason(self.code, **self.params, read_as=encodings)

    def localised(self) -> str:
        return display_reason(self, self.code, self.params)


def _reason(code: str, params: dict[str, Any]) -> Reason:
    return Reason(code, **params)


def json_error(exc: Exception) -> Reason:
    """The reason for a JSON text the parser refused (``invalid JSON: …``)."""
    msg, line = getattr(exc, "msg", None), getattr(exc, "lineno", None)
    column, char = getattr(exc, "colno", None), getattr(exc, "pos", None)
    if isinstance(msg, str) and all(isinstance(v, int) for v in (line, column, char)):
        why = Reason("invalid_json", error=msg, line=line, column=column, char=char)
        if why == f"invalid JSON: {exc}":
            return why
    return Reason("invalid_json_text", error=str(exc))


def display_reason(reason: str, code: str | None, params: Mapping[str, Any] | None) -> str:
    """A stored reason in the current locale; as stored when it has no code this version
    knows (rows written before codes existed) or its parameters do not fit."""
    spec = REASONS.get(code or "")
    if spec is None:
        return str(reason)
    try:
        return _render(spec, dict(params or {}), english=False)
    except (KeyError, TypeError, ValueError):
        return str(reason)
