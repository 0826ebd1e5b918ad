"""The one error every statement parser raises.

A statement file comes from outside, so whatever is wrong with it (truncated,
wrongly encoded, hostile, simply not a statement) ends as `StatementParseError`
with a message a bookkeeper can act on. The third-party readers underneath
(ofxparse, mt-940, lxml, csv) raise all sorts of exceptions on bad input;
`parse_errors` turns those into `StatementParseError` at the package boundary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

UNEXPECTED_PROBLEM = "the file could not be read ({kind}: {detail})"


class StatementParseError(Exception):
    """A statement file that cannot be imported.

    `location` is a line number ("line 12") and, for XML, the element path, as
    in "line 12 (Ntry/Amt)". Either part of the message may be empty.
    """

    def __init__(self, filename: str, location: str, problem: str) -> None:
        super().__init__(filename, location, problem)
        self.filename = filename
        self.location = location
        self.problem = problem

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.filename, self.location) if part)
        return f"{where}: {self.problem}" if where else self.problem


@contextmanager
def parse_errors(filename: str) -> Iterator[None]:
    """Turn anything raised while reading a file into a StatementParseError.

    Parsers raise StatementParseError without a file name (they only see
    bytes); the name is filled in here.
    """
    try:
        yield
    except StatementParseError as exc:
        if not exc.filename:
            exc.filename = filename
        raise
    except Exception as exc:  # noqa: BLE001 - hostile input reaches library code paths nobody tested
        detail = str(exc)[:200] or "no detail"
        raise StatementParseError(
            filename, "", UNEXPECTED_PROBLEM.format(kind=type(exc).__name__, detail=detail)
        ) from exc


class NotStreamable(Exception):
    """A file read as a stream turned out to need reading whole.

    Not a problem with the file: a streamed reader (see `stream_statement`)
    raises it when it can no longer give what the whole-file parser would,
    typically a transaction id that came once and then again further on, so
    the parser would have derived ids for both. Whoever consumed the stream
    undoes what it did and reads the file whole instead.
    """
