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
}
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


def _values(kind: str, ctx: Mapping[str, Any]) -> dict[str, Any]:
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
    template = TEMPLATES.get(str(error.get("type", "")))
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
