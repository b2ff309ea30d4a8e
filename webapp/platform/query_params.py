"""One query-parameter parser for list pages, exports and the JSON API.

A pydantic model declares a list's parameters; ``query(Model)`` reads the request's query string into
it (``parse`` reads any mapping; blank values count as absent) and, on bad input, raises one exception,
BadParameter, naming the parameter. The error handlers (webapp/errors.py) answer the API with a 400
JSON body naming it and pages with a translated message in the error layout; pages that would rather
show the message beside the list catch it themselves. This module is the one place that reads
``request.args`` (tests/test_layering.py holds it); links back to the list are built from the parsed
model (``QueryModel.link_args``), never from the raw query string.

The building blocks: ``Page`` (1 to MAX_PAGE), ``Id`` (a whole positive number), ``Field("", max_length=n)``
for text (longer is refused, never cut), ``IsoDate``, ``Literal[...]`` or a ``StrEnum`` for a fixed set, ``one_of`` in a
validator for a set known at run time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Mapping
from typing import Annotated, Any, TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

M = TypeVar("M", bound=BaseModel)


class BadParameter(ValueError):
    """``field`` names the query parameter; ``code`` says what is wrong; ``message`` is for people."""

    def __init__(self, field: str, code: str, message: str, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message
        self.allowed = allowed

    def as_field(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD (pydantic alone would also take a number of seconds)."""
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise PydanticCustomError("iso_date", "not a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

MAX_PAGE = 10_000
MAX_ID = 2**31 - 1
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def one_of(name: str, value: str, allowed: Collection[str]) -> str:
    """``value`` when it is blank or in ``allowed`` (a set known at run time); BadParameter otherwise."""
    if value and value not in allowed:
        shown = tuple(sorted(allowed))
        message = _("%(name)s must be one of: %(allowed)s.", name=name, allowed=", ".join(shown))
        raise BadParameter(name, "invalid_choice", message, shown)
    return value


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """A period given as ``from`` and ``to`` must not end before it starts (BadParameter naming from)."""
    if start is not None and end is not None and start > end:
        raise BadParameter("from", "after_to", _("from must not be after to."))


class QueryModel(BaseModel):
    """Base for parameter models: unknown parameters are ignored, models are read-only."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    def link_args(self, *without: str) -> dict[str, str]:
        """The parameters given (those not at their default) as query-string values, by their
        public names, leaving out ``without``: for links that keep the list's filters."""
        links: dict[str, str] = {}
        for name, field in type(self).model_fields.items():
            key = field.alias or name
            value = getattr(self, name)
            if key in without or value is None or value == field.default or value == "":
                continue
            if isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "true" if value else "false"
            links[key] = str(value)
        return links


class PageArgs(QueryModel):
    """A list whose only parameter is its page."""

    page: Page = 1


def query(model: type[M]) -> M:
    """The current request's query string as ``model``; BadParameter naming the first bad one."""
    return parse(model, request.args)


def given(keys: Iterable[str]) -> dict[str, str]:
    """The non-blank values of ``keys`` in the query string, as given (stripped): for work that keeps
    the parameters and parses them with a model later (a background export parses them when it runs)."""
    return {key: str(request.args.get(key, "")).strip() for key in keys if str(request.args.get(key, "")).strip()}


def parse(model: type[M], args: Mapping[str, Any]) -> M:
    """The request arguments as ``model``; BadParameter (naming the first bad one) otherwise."""
    data: dict[str, str] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        raw = str(args.get(key, "") or "").strip()
        if raw:
            data[key] = raw
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _bad(model, exc) from None


def _bounds(field: FieldInfo | None) -> tuple[int | None, int | None]:
    low = high = None
    for rule in field.metadata if field is not None else ():
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def _bad(model: type[BaseModel], exc: ValidationError) -> BadParameter:
    problem = exc.errors()[0]
    original = (problem.get("ctx") or {}).get("error")
    if isinstance(original, BadParameter):
        return original
    loc = problem.get("loc") or ("",)
    name = str(loc[0])
    field = model.model_fields.get(name)
    if field is not None and field.alias:
        name = field.alias
    kind = str(problem.get("type", ""))
    ctx = problem.get("ctx") or {}
    if kind == "iso_date" or kind.startswith("date"):
        return BadParameter(name, "invalid_date", _("%(name)s must be a date written YYYY-MM-DD.", name=name))
    if kind in ("literal_error", "enum"):
        allowed = tuple(str(v).strip("'") for v in str(ctx.get("expected", "")).replace(" or ", ", ").split(", "))
        return BadParameter(
            name, "invalid_choice", _("%(name)s must be one of: %(allowed)s.", name=name, allowed=", ".join(allowed))
        )
    if kind.startswith("int") or kind in ("greater_than_equal", "less_than_equal"):
        low, high = _bounds(field)
        if low is not None and high is not None and high < MAX_ID:
            message = _("%(name)s must be a whole number from %(low)d to %(high)d.", name=name, low=low, high=high)
            return BadParameter(name, "out_of_range", message)
        return BadParameter(name, "invalid", _("%(name)s must be a whole number.", name=name))
    if kind == "string_too_long":
        message = _("%(name)s must be at most %(max)d characters.", name=name, max=int(ctx.get("max_length", 0)))
        return BadParameter(name, "too_long", message)
    if kind.startswith("bool"):
        return BadParameter(name, "invalid", _("%(name)s must be true or false.", name=name))
    return BadParameter(name, "invalid", _("The parameter %(name)s is not valid.", name=name))
