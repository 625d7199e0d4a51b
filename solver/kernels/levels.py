"""The cooperation levels, strongest first: the codes every kernel returns index this tuple.

Examples
--------
>>> LEVELS.index("strict")
3
"""

from __future__ import annotations

__all__ = ["LEVELS"]

#: The cooperation levels, strongest first; a level reaches every level after it.
LEVELS = ("dominant", "unique", "risk-dominant", "strict", "weak", "none")
