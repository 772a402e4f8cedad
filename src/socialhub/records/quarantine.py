"""Why a payload was quarantined or dead-lettered: a stable code and its parameters,
shown in the reader's language.

Connectors' rejects (``records.sources.DeadLetter``) use the same catalogue (its
"connectors' dead letters" codes, French in ``locale/fr/deadletters.po``): a normaliser
raises ``NormalizeError(Reason(...))`` and the connector stores ``reason_of(exc)``.

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

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from socialhub.i18n import N_, format_number, gettext

__all__ = [
    "JSON_ERRORS",
    "REASONS",
    "Reason",
    "ReasonSpec",
    "display_reason",
    "json_error",
    "reason_of",
]


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
    # -- connectors' dead letters (records.sources.DeadLetter) -----------------------------
    # an exception's or a payload check's own message, shown in a sentence saying what it is
    "item_refused": ReasonSpec("%(error)s", shown=N_("item refused: %(error)s")),
    "payload_unreadable": ReasonSpec(
        "MalformedPayload: %(error)s", shown=N_("unreadable payload: %(error)s")
    ),
    "payload_unreadable_untyped": ReasonSpec(
        "MalformedPayload (untyped %(error_type)s): %(error)s",
        shown=N_("unreadable payload (%(error_type)s): %(error)s"),
    ),
    "empty_text_policy": ReasonSpec(
        N_("no text, caption, title, link or media (empty-text policy)")
    ),
    "next_page_refused": ReasonSpec(
        N_("next page link refused: %(reason)s"), translated=("reason",)
    ),
    "x_stream_not_object": ReasonSpec(N_("unsupported record")),
    "reddit_bad_created_utc": ReasonSpec(N_("unparseable created_utc: %(value)s")),
    "reddit_unknown_kind": ReasonSpec(N_("unsupported record: kind %(kind)s")),
    "reddit_no_id": ReasonSpec(N_("unsupported record: no id (%(id)s)")),
    "reddit_deleted": ReasonSpec(N_("deleted: comment %(id)s was %(value)s")),
    "reddit_missing_text": ReasonSpec(N_("missing text: empty title and body")),
    "rss_empty_item": ReasonSpec(
        N_("item has no text, link, enclosure or media (empty-text policy)")
    ),
    "rss_feed_without_items": ReasonSpec(
        N_("feed without items: nothing to collect (%(format)s document)")
    ),
    "rss_feed_without_items_titled": ReasonSpec(
        N_("feed without items: nothing to collect (%(format)s document, titled %(title)s)")
    ),
    "webwatch_empty_text": ReasonSpec(N_("empty text")),
    "webwatch_bad_date": ReasonSpec(N_("unreadable or missing date %(value)s")),
    "webwatch_no_text_match": ReasonSpec(N_("no element matches the text selector %(selector)s")),
    "mastodon_account_without_acct": ReasonSpec(N_("account without acct")),
    "mastodon_status_without_account": ReasonSpec(N_("status without account")),
    "mastodon_status_without_id": ReasonSpec(N_("status without id/uri")),
    "mastodon_status_bad_created_at": ReasonSpec(N_("status without a valid created_at")),
    "facebook_missing_id": ReasonSpec(N_("missing id")),
    "facebook_bad_created_time": ReasonSpec(N_("%(id)s: missing or invalid created_time")),
    "youtube_search_without_video_id": ReasonSpec(N_("search result without id.videoId")),
    "youtube_no_snippet": ReasonSpec(N_("%(id)s: no snippet")),
    "youtube_bad_published_at": ReasonSpec(N_("%(id)s: missing or invalid publishedAt")),
    "youtube_comment_without_id": ReasonSpec(N_("comment without id or snippet")),
    "youtube_thread_without_snippet": ReasonSpec(N_("comment thread without snippet")),
    "youtube_thread_without_video_id": ReasonSpec(N_("comment thread without videoId")),
    "bluesky_author_without_did": ReasonSpec(N_("author without a did")),
    "bluesky_record_without_text": ReasonSpec(N_("record without text")),
    "bluesky_bad_created_at": ReasonSpec(N_("post without a valid createdAt")),
    "bluesky_post_without_uri": ReasonSpec(N_("post view without an at:// uri")),
    "bluesky_post_without_record": ReasonSpec(N_("post view without a record")),
    "bluesky_feed_item_not_object": ReasonSpec(N_("feed item is not an object")),
    "bluesky_commit_without_commit": ReasonSpec(N_("commit event without commit")),
    "bluesky_create_without_record": ReasonSpec(N_("create commit without did, rkey or record")),
    "bluesky_bad_jetstream_event": ReasonSpec(N_("bad jetstream event: %(error)s")),
    "broadcast_too_large": ReasonSpec(N_("%(file)s: larger than %(limit)s bytes")),
    "broadcast_empty_segment": ReasonSpec(N_("%(file)s: empty segment at %(start)ss")),
    "broadcast_no_airing": ReasonSpec(
        N_(
            "%(file)s: no sidecar %(sidecar)s and the name does not match"
            " CHANNEL__PROGRAMME__YYYYMMDDTHHMM[SS][ZONE][__tv|__radio]"
        )
    ),
    "sidecar_unreadable": ReasonSpec(N_("sidecar %(file)s: %(error)s")),
    "sidecar_not_object": ReasonSpec(N_("sidecar %(file)s: expected a JSON object")),
    "sidecar_missing": ReasonSpec(N_("sidecar %(file)s: missing %(fields)s")),
    "sidecar_bad_start": ReasonSpec(
        N_("sidecar %(file)s: bad start %(value)s (ISO 8601 with a UTC offset)")
    ),
    "sidecar_bad_medium": ReasonSpec(N_("sidecar %(file)s: medium must be tv or radio")),
    "caption_bad_cue_timing": ReasonSpec(N_("%(format)s: bad cue timing %(value)s")),
    "caption_bad_time": ReasonSpec(N_("%(format)s: bad time %(error)s")),
    "caption_cue_ends_before_start": ReasonSpec(
        N_("%(format)s: cue ends before it starts: %(value)s")
    ),
    "caption_no_cue": ReasonSpec(N_("%(format)s: no cue found")),
    "caption_vtt_no_header": ReasonSpec(N_("vtt: missing WEBVTT header")),
    "caption_ttml_bad_time": ReasonSpec(N_("ttml: bad time expression %(value)s")),
    "caption_ttml_invalid_xml": ReasonSpec(N_("ttml: invalid XML: %(error)s")),
    "caption_ttml_refused_xml": ReasonSpec(N_("ttml: refused XML construct: %(error)s")),
    "caption_ttml_bad_root": ReasonSpec(N_("ttml: root element is <%(tag)s>, not <tt>")),
    "caption_ttml_bad_timing": ReasonSpec(N_("ttml: bad timing parameter: %(error)s")),
    "caption_ttml_p_without_end": ReasonSpec(N_("ttml: <p> without end or dur")),
    "caption_ttml_no_body": ReasonSpec(N_("ttml: no <body>")),
    "caption_ttml_no_timed_p": ReasonSpec(N_("ttml: no timed <p> found")),
}

#: Appended to any reason with a ``read_as`` parameter (a CSV line decoded as cp1252...).
READ_AS = N_(" (line read as %(read_as)s, not UTF-8)")

#: Why the link guard (connectors/linkguard.py) refuses a link, when it names no host:
#: translated when shown as a ``next_page_refused`` reason's ``reason``.
LINK_REFUSALS = (N_("not a valid link"), N_("not an http(s) link"), N_("no host in the link"))

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


def reason_of(exc: BaseException) -> Reason:
    """The reason an exception carries when it was raised with one
    (``ValueError(Reason(...))``: its text is the reason's), else ``item_refused``
    around its own message, which is then shown as it came (same English text)."""
    first = exc.args[0] if len(exc.args) == 1 else None
    if isinstance(first, Reason):
        return first
    return Reason("item_refused", error=str(exc))


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


class Rejection(Exception):
    """A record that cannot become a Mention (the import's ``Reject``, the X normaliser's
    ``Invalid``): ``reason`` reads ``"{category}: {detail}"``; raised with :meth:`because`,
    it keeps its code, so a quarantine shows it translated."""

    def __init__(self, category: str, detail: str) -> None:
        super().__init__(f"{category}: {detail}")
        self.category = category
        self.detail = detail
        self.why: Reason | None = None

    @classmethod
    def because(cls, code: str, **params: Any) -> Self:
        """A rejection with one of :data:`REASONS`."""
        why = Reason(code, **params)
        category, _sep, detail = why.partition(": ")
        exc = cls(category, detail)
        exc.why = why
        return exc

    @property
    def reason(self) -> str:
        return self.why if self.why is not None else f"{self.category}: {self.detail}"


# -- where: the stored location, shown in the reader's language ------------------------

#: The location shapes the import writes ("line 2", "lines 3-5", "record 4 (line 9)",
#: "column 3"), one per comma-separated part; a JSON path part ("data[0]") and anything
#: else (a mention id, a connector's key) stay as stored.
_LOCATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"line (?P<n>\d+)"), N_("line %(n)s")),
    (re.compile(r"lines (?P<first>\d+)-(?P<last>\d+)"), N_("lines %(first)s-%(last)s")),
    (re.compile(r"record (?P<n>\d+) \(line (?P<line>\d+)\)"), N_("record %(n)s (line %(line)s)")),
    (re.compile(r"column (?P<n>\d+)"), N_("column %(n)s")),
)


def display_location(location: str) -> str:
    """A stored location in the current locale ("line 2" -> "ligne 2"); parts of a shape
    this version does not know are kept as stored.

    >>> from socialhub.i18n import use_locale
    >>> with use_locale("fr"):
    ...     display_location("record 4 (line 9), data[0]"), display_location("x:12")
    ('enregistrement 4 (ligne 9), data[0]', 'x:12')
    """
    parts = []
    for part in str(location).split(", "):
        for pattern, template in _LOCATIONS:
            if found := pattern.fullmatch(part):
                values = {k: format_number(int(v)) for k, v in found.groupdict().items()}
                part = gettext(template) % values
                break
        parts.append(part)
    return ", ".join(parts)
