"""Pull the learner's statements from every device since the last cursor, and merge them.

Merging is adding facts: each statement id is kept once, so pulling twice, or pulling what
this device sent, changes nothing. Derived progress (chapters completed, best scores) is
computed from the facts, so devices converge whatever order they sync in.
"""

from __future__ import annotations

from typing import Any, Protocol

from companion.sync.platform_v1 import PlatformV1


class Facts(Protocol):
    def pull_cursor(self) -> str: ...
    def merge_pulled(self, statements: list[dict[str, Any]], cursor: str) -> int: ...


def pull(facts: Facts, api: PlatformV1, page: int = 500) -> int:
    """Fetch every page after the stored cursor; returns how many statements were new."""
    added = 0
    while True:
        statements, cursor, more = api.statements_since(facts.pull_cursor(), page)
        added += facts.merge_pulled(statements, cursor)  # cursor saved with the page
        if not more:
            return added
