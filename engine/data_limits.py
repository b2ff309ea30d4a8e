"""Size and depth limits on case data: per field, per case, and nesting depth.

Checked when a task completes (the submitted data, with what the case already holds) and after
every engine step (what scripts wrote), without recursion, so data nested 100,000 deep is refused,
never a RecursionError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import Problem


@dataclass(frozen=True)
class DataLimits:
    field_bytes: int = 256 * 1024
    case_bytes: int = 1024 * 1024
    depth: int = 20


DEFAULT_DATA_LIMITS = DataLimits()


def measure(value: Any, stop_at: int, max_depth: int) -> tuple[int, int]:
    """An estimate of ``value``'s JSON size in bytes and its nesting depth, iteratively.

    Stops counting once the size passes ``stop_at`` or the depth passes ``max_depth``.
    """
    size = 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if size > stop_at or deepest > max_depth:
            break
        if isinstance(item, str):
            size += len(item.encode("utf-8", "surrogatepass")) + 2
        elif isinstance(item, bytes):
            size += len(item) * 2 + 2
        elif isinstance(item, Mapping):
            size += 2
            for key, inner in item.items():
                size += len(str(key)) + 4
                stack.append((inner, depth + 1))
        elif isinstance(item, (list, tuple, set, frozenset)):
            size += 2 + len(item)
            stack.extend((inner, depth + 1) for inner in item)
        else:
            size += 8
    return size, deepest


def data_problem(data: Mapping[str, Any], limits: DataLimits = DEFAULT_DATA_LIMITS) -> Problem | None:
    """The first limit the data breaks, coded and naming the field, or None."""
    total = 0
    for name, value in data.items():
        size, depth = measure(value, limits.field_bytes, limits.depth)
        if depth > limits.depth:
            return Problem("data.too_deep", {"field": str(name), "limit": limits.depth})
        if size > limits.field_bytes:
            return Problem("data.field_too_large", {"field": str(name), "limit_kb": limits.field_bytes // 1024})
        total += size + len(str(name))
        if total > limits.case_bytes:
            return Problem("data.too_large", {"field": str(name), "limit_kb": limits.case_bytes // 1024})
    return None


def submission_problem(
    case_data: Mapping[str, Any], submitted: Mapping[str, Any], limits: DataLimits = DEFAULT_DATA_LIMITS
) -> Problem | None:
    """The first limit a person's submission breaks, alone or with the data the case already holds
    (``case_data``, the task's): the case's own fields are counted first, so the field named is the
    answer that takes the case over its limit — a refusal at that field, not a failed step."""
    problem = data_problem(submitted, limits)
    if problem is not None:
        return problem
    kept = {name: value for name, value in case_data.items() if name not in submitted}
    return data_problem({**kept, **submitted}, limits)
