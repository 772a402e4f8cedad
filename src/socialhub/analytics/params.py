"""Declared detector parameters, after River's ``_get_params`` / ``clone``.

A detector's parameters are the keywords of its ``__init__``. :class:`Parametrised`
records the ones a detector was built with (defaults filled in), so that

* ``det._get_params()`` says what it was built with,
* ``det.clone(**changes)`` builds a fresh one with the same (or changed) parameters,
* a checkpoint is reconciled with the configuration by comparing declarations
  (:func:`changed_params`): a detector whose parameters changed since its state was
  saved starts fresh, since a baseline learnt under other thresholds or windows is not
  the one now configured.

The query -> workspace map, labels and list types (:data:`CONTEXT`) are wiring the
service refreshes from the store, not parameters, so they are left out; a detector
receives the ones its ``__init__`` declares through :meth:`Parametrised.set_context`
(read from the declaration, not guessed with ``hasattr``). A class may name more
constructor arguments that are state or data rather than parameters in ``_not_params``
(the launch monitor's watches and library).

>>> class Mean(Parametrised):
...     def __init__(self, *, alpha: float = 0.5, labels: dict | None = None) -> None:
...         self.alpha = alpha
>>> Mean(alpha=0.2)._get_params()
{'alpha': 0.2}
>>> Mean().clone(alpha=0.1)._get_params()
{'alpha': 0.1}
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

CONTEXT = frozenset({"workspaces", "labels", "lists"})


def _plain(value: Any) -> Any:
    """Comparable form: tuples and lists alike, mappings with string keys."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


class Parametrised:
    """Base of a detector whose ``__init__`` keywords are its parameters."""

    _params: dict[str, Any]
    _not_params: ClassVar[frozenset[str]] = frozenset()  # arguments that are state/data
    _context: ClassVar[frozenset[str]] = frozenset()  # the CONTEXT keywords it declares

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:
            if "_context" not in cls.__dict__:  # else the class declares it itself
                cls._context = frozenset(inspect.signature(init).parameters) & CONTEXT
            cls.__init__ = _recording(init)  # type: ignore[method-assign]

    def set_context(
        self,
        *,
        workspaces: Mapping[int, int],
        labels: Mapping[str, str],
        lists: Mapping[str, str],
    ) -> None:
        """The service's wiring, refreshed from the store: each piece this detector
        declares in its ``__init__`` (labels are merged: configured ones are kept)."""
        given = {
            "workspaces": dict(workspaces),
            "labels": {**(getattr(self, "labels", None) or {}), **labels},
            "lists": dict(lists),
        }
        for name in self._context:
            setattr(self, name, given[name])

    def _get_params(self) -> dict[str, Any]:
        """The parameters this detector was built with (a copy)."""
        return dict(getattr(self, "_params", {}))

    def clone(self, **changes: Any) -> Self:
        """A fresh detector (no learnt state) with these parameters, some changed."""
        unknown = set(changes) - set(self._get_params()) - CONTEXT - self._not_params
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter(s) {sorted(unknown)}")
        return type(self)(**{**self._get_params(), **changes})


def _recording(init: Callable[..., None]) -> Callable[..., None]:
    signature = inspect.signature(init)

    @functools.wraps(init)
    def wrapped(self: Parametrised, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        params: dict[str, Any] = {}
        for name, value in list(bound.arguments.items())[1:]:  # skip self
            kind = signature.parameters[name].kind
            if kind is inspect.Parameter.VAR_KEYWORD:
                params.update(value)
            elif kind is not inspect.Parameter.VAR_POSITIONAL:
                params[name] = value
        # The outermost __init__ of a subclass chain records last, so it wins.
        skip = CONTEXT | type(self)._not_params
        self._params = {k: v for k, v in params.items() if k not in skip}

    return wrapped


def changed_params(saved: object, configured: object) -> list[str] | None:
    """Names of the parameters that differ between a checkpointed detector and the
    configured one; None when either does not declare them (a plugin's detector, or a
    checkpoint written before declarations), in which case the state is kept."""
    if not isinstance(saved, Parametrised) or not isinstance(configured, Parametrised):
        return None
    if type(saved) is not type(configured):
        return ["(implementation)"]
    if "_params" not in vars(saved):
        return None
    old, new = _plain(saved._get_params()), _plain(configured._get_params())
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def check_params(factory: Any, table: Mapping[str, Any], where: str) -> None:
    """Refuse a settings table that names a parameter ``factory`` does not declare, or
    gives one a value of another type than its default; the message starts with
    ``where`` (file and table) and names the key. ``enabled`` is the service's own."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return  # a plugin detector taking anything: it checks for itself
    declared = {
        name: p.default
        for name, p in params.items()
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        and name not in CONTEXT
        and name not in getattr(factory, "_not_params", ())
    }
    unknown = sorted(set(table) - set(declared) - {"enabled"})
    if unknown:
        raise ValueError(
            f"{where}: unknown parameter(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(declared))})"
        )
    for key, value in table.items():
        default = declared.get(key, inspect.Parameter.empty)
        if default in (None, inspect.Parameter.empty) or _fits(default, value):
            continue
        raise ValueError(f"{where} {key}: must be a {type(default).__name__}, not {value!r}")


def _fits(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, tuple | list | set | frozenset):
        return isinstance(value, list | tuple)
    return isinstance(value, type(default))
