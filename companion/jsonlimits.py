"""JSON from anywhere Companion does not control (the platform, a saved file), with a
depth cap: a document nested 100,000 deep must be refused, not crash with RecursionError.

No HTTP and no Qt here: the sync's bounded reader and the store's file helpers both use it.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # a manifest or statement nests about ten deep; far more is not data


class TooDeep(ValueError):
    """Nested deeper than the cap."""


def loads(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads``; every unreadable document (broken, not UTF-8, too deep) is a
    ``ValueError``."""
    try:
        value = json.loads(data)
    except RecursionError as error:  # the C decoder stops at the interpreter's limit
        raise TooDeep("JSON nested too deep") from error
    if depth(value, max_depth) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth}")
    return value


def depth(value: Any, stop_after: int) -> int:
    """How deep ``value`` nests (a scalar is 0), counted without recursion; counting stops
    once it passes ``stop_after``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > stop_after:
            return deepest
        stack.extend((child, level) for child in children if isinstance(child, dict | list))
    return deepest
