"""The one error type for input a user supplied: a file, a command-line value, an argument.

Every reader and every validated parameter raises :class:`UserInputError` (or a subclass that
names its source: :class:`games.NfgError`, :class:`games.ModelError`, :class:`regions.ScenarioError`
and the others) with one line naming the file, the entry and the field. It is a ``ValueError``,
so code that catches ``ValueError`` keeps working. The command line turns it into one line on
stderr and exit status 2; any other exception is a bug and gives exit status 1 with a request
to report it.

Examples
--------
>>> from games import prisoners_dilemma
>>> try:
...     prisoners_dilemma(T=1, R=3, P=1, S=0)
... except UserInputError as err:
...     print(err)
prisoner's dilemma needs T > R > P > S: T > R fails for the row player (T=1, R=3)
"""

from __future__ import annotations

__all__ = ["UserInputError"]


class UserInputError(ValueError):
    """A value the user supplied cannot be used; the message is one line naming it and why."""
