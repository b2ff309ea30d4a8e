"""One query-parameter parser for list pages, exports and the JSON API.

A pydantic model declares a list's parameters; ``parse`` reads the request arguments into it (blank
values count as absent) and, on bad input, raises one exception, BadParameter, naming the parameter.
The error handlers (webapp/errors.py) answer the API with a 400 JSON body naming it and pages with a
translated message; pages that would rather show the message beside the list catch it themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
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


class QueryModel(BaseModel):
    """Base for parameter models: unknown parameters are ignored, models are read-only."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


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
        if low is not None and high is not None:
            message = _("%(name)s must be a whole number from %(low)d to %(high)d.", name=name, low=low, high=high)
            return BadParameter(name, "out_of_range", message)
        return BadParameter(name, "invalid", _("%(name)s must be a whole number.", name=name))
    if kind == "string_too_long":
        message = _("%(name)s must be at most %(max)d characters.", name=name, max=int(ctx.get("max_length", 0)))
        return BadParameter(name, "too_long", message)
    if kind.startswith("bool"):
        return BadParameter(name, "invalid", _("%(name)s must be true or false.", name=name))
    return BadParameter(name, "invalid", _("The parameter %(name)s is not valid.", name=name))
