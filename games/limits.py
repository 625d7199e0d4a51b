"""How deeply a file's arrays and tables may nest: one limit for scenario, sweep and model files.

No scenario, sweep or model needs more than a handful of levels; a document nested deeper than
:data:`MAX_NESTING` is refused with one line instead of being walked (and, past a few hundred
levels, instead of exhausting the parser's recursion).

Examples
--------
>>> depth({"a": [[1, 2], {"b": [3]}]})
3
>>> depth([[[[[]]]]])  # the outer list is level 0
4
"""

from __future__ import annotations

__all__ = ["MAX_NESTING", "depth"]

#: The deepest nesting of arrays and tables accepted in a TOML input (the top-level table is 0).
MAX_NESTING = 32


def depth(value: object) -> int:
    """The deepest nesting of lists and dicts in ``value`` (iterative: no recursion limit)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > deepest:
            deepest = level
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
