"""pydantic's own wording ("Input should be a valid integer"), translatable.

A settings table (``[pipeline]``, ``[detect]``, ``[hub]``) or an API request checked by
pydantic fails with pydantic's English sentences. :func:`problem` rebuilds the sentence
of one error (an item of ``ValidationError.errors()``) as an :func:`~socialhub.i18n.M_`
message from its type and context, so that it reads French where a person reads it
while logs, ``--json`` and API bodies keep pydantic's English, character for character.
An error type not listed here, or one whose wording a pydantic upgrade changed, passes
as pydantic wrote it (English): ``tests/test_pydantic_text.py`` fails when that happens
to a listed one.

>>> str(problem({"type": "int_parsing", "msg": "Input should be a valid integer, "
...     "unable to parse string as an integer", "ctx": {}}))
'Input should be a valid integer, unable to parse string as an integer'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialhub.i18n import M_, N_, Message

# error type -> English template (pydantic's, with %(name)s fields): the message ids
TEMPLATES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "tuple_type": N_("Input should be a valid tuple"),
    "date_type": N_("Input should be a valid date"),
    "datetime_type": N_("Input should be a valid datetime"),
    "greater_than": N_("Input should be greater than %(n)s"),
    "greater_than_equal": N_("Input should be greater than or equal to %(n)s"),
    "less_than": N_("Input should be less than %(n)s"),
    "less_than_equal": N_("Input should be less than or equal to %(n)s"),
    "literal_error": N_("Input should be %(choices)s"),
    "enum": N_("Input should be %(choices)s"),
    "value_error": N_("Value error, %(error)s"),
    # lengths: the plural form here, the singular in SINGULAR (pydantic says "1 item")
    "string_too_short": N_("String should have at least %(n)s characters"),
    "string_too_long": N_("String should have at most %(n)s characters"),
    "too_short": N_("%(kind)s should have at least %(n)s items after validation, not %(actual)s"),
    "too_long": N_("%(kind)s should have at most %(n)s items after validation, not %(actual)s"),
    # dates and times: pydantic appends the parser's reason (REASONS)
    "datetime_parsing": N_("Input should be a valid datetime, %(error)s"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date, %(error)s"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, %(error)s"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, %(error)s"),
    "date_from_datetime_inexact": N_(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "time_type": N_("Input should be a valid time"),
    "time_parsing": N_("Input should be in a valid time format, %(error)s"),
    "timezone_aware": N_("Input should have timezone info"),
    "timezone_naive": N_("Input should not have timezone info"),
}
SINGULAR: dict[str, str] = {
    "string_too_short": N_("String should have at least %(n)s character"),
    "string_too_long": N_("String should have at most %(n)s character"),
    "too_short": N_("%(kind)s should have at least %(n)s item after validation, not %(actual)s"),
    "too_long": N_("%(kind)s should have at most %(n)s item after validation, not %(actual)s"),
}
# a dictionary's too_long does not know how many it got: "..., not more"
NOT_MORE: dict[bool, str] = {
    True: N_("%(kind)s should have at most %(n)s item after validation, not more"),
    False: N_("%(kind)s should have at most %(n)s items after validation, not more"),
}
# ctx["field_type"] of too_short / too_long
KINDS = {
    name: name for name in (N_("List"), N_("Tuple"), N_("Set"), N_("Frozenset"), N_("Dictionary"))
}
# the date parser's (speedate's) reasons, appended to the *_parsing messages
REASONS = frozenset(
    {
        N_("input is too short"),
        N_("unexpected extra characters at the end of the input"),
        N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
        N_("invalid date separator, expected `-`"),
        N_("invalid character in year"),
        N_("invalid character in month"),
        N_("invalid character in day"),
        N_("invalid time separator, expected `:`"),
        N_("invalid character in hour"),
        N_("invalid character in minute"),
        N_("invalid character in second"),
        N_("invalid character in second fraction"),
        N_("invalid timezone sign"),
        N_("invalid timezone hour"),
        N_("invalid timezone minute"),
        N_("timezone minute value is outside expected range of 0-59"),
        N_("timezone offset must be less than 24 hours"),
        N_("month value is outside expected range of 1-12"),
        N_("day value is outside expected range"),
        N_("hour value is outside expected range of 0-23"),
        N_("minute value is outside expected range of 0-59"),
        N_("second value is outside expected range of 0-59"),
        N_("second fraction value is more than 6 digits long"),
        N_("second fraction digits missing after `.`"),
        N_("dates before 0000 are not supported as unix timestamps"),
        N_("dates after 9999 are not supported as unix timestamps"),
        N_("numeric times may not exceed 86,399 seconds"),
    }
)
_LENGTH = {"string_too_short": "min_length", "string_too_long": "max_length",
           "too_short": "min_length", "too_long": "max_length"}  # fmt: skip
_BOUND = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}
CHOICES = N_("%(some)s or %(last)s")


def _choices(expected: str) -> str:
    some, sep, last = str(expected).rpartition(" or ")
    return M_(CHOICES, some=some, last=last) if sep else str(expected)


def _template(kind: str, ctx: Mapping[str, Any]) -> str | None:
    if kind not in _LENGTH:
        return TEMPLATES.get(kind)
    one = ctx.get(_LENGTH[kind]) == 1
    if kind == "too_long" and ctx.get("actual_length") is None:
        return NOT_MORE[one]
    return SINGULAR[kind] if one else TEMPLATES[kind]


def _values(kind: str, ctx: Mapping[str, Any]) -> dict[str, Any]:
    if kind in _LENGTH:
        field = str(ctx.get("field_type", ""))
        return {
            "n": ctx[_LENGTH[kind]],
            "kind": M_(field) if field in KINDS else field,
            "actual": ctx.get("actual_length"),
        }
    if kind.endswith("_parsing") and kind.startswith(("date", "time")):
        reason = str(ctx.get("error", ""))
        return {"error": M_(reason) if reason in REASONS else reason}
    if kind in _BOUND:
        return {"n": ctx.get(_BOUND[kind])}
    if kind in ("literal_error", "enum"):
        return {"choices": _choices(ctx.get("expected", ""))}
    if kind == "value_error":
        error = ctx.get("error")
        first = error.args[0] if isinstance(error, Exception) and len(error.args) == 1 else None
        return {"error": first if isinstance(first, Message) else str(error)}
    return {}


def problem(error: Mapping[str, Any]) -> str:
    """One pydantic error's sentence: a translatable :class:`~socialhub.i18n.Message`
    equal to pydantic's ``msg`` when its type is known, else ``msg`` itself."""
    msg = str(error.get("msg", ""))
    template = _template(str(error.get("type", "")), error.get("ctx") or {})
    if template is None:
        return msg
    try:
        found = M_(template, **_values(str(error["type"]), error.get("ctx") or {}))
    except (KeyError, TypeError, ValueError):
        return msg
    return found if str(found) == msg else msg  # a new wording: keep pydantic's English


class LowerFirst(Message):
    """A message whose first letter is lower case, in English and once translated: the
    problem inside a sentence (``[pipeline]: dedup_window: input should be…``)."""

    __slots__ = ()

    def __new__(cls, inner: Message) -> LowerFirst:
        self = str.__new__(cls, _lower(str(inner)))
        self.template = inner.template
        self.values = inner.values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (LowerFirst, (Message(self.template, **self.values),))

    def localised(self) -> str:
        return _lower(super().localised())


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def lower_first(text: str) -> str:
    """``text`` with a lower-case first letter, still translatable when it was."""
    return LowerFirst(text) if isinstance(text, Message) else _lower(text)
