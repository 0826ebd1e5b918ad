"""Refuse a DOCTYPE by reading an XML file's prolog ourselves.

The prolog (XML declaration, comments, processing instructions, DOCTYPE) is
everything before the root element. A bank statement never needs a DOCTYPE,
and a DOCTYPE is where entity bombs and external entities live. We read the
prolog before libxml2 sees a byte, so the refusal, and its message, do not
depend on the libxml2 version: newer ones stop a billion-laughs file with
their own "entity amplification" error before any docinfo can be checked.
"""

from __future__ import annotations

import re
from typing import BinaryIO

# A prolog longer than this (comments, mostly) is not a bank's file.
PROLOG_LIMIT = 1024 * 1024
_CHUNK = 16 * 1024
_SPACE = re.compile(r"[ \t\r\n]*")


class DoctypeFound(Exception):
    """The prolog declares a DOCTYPE (or any other <!...> declaration)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class PrologTooLong(Exception):
    """No root element within PROLOG_LIMIT bytes."""


def without_doctype(stream: BinaryIO) -> BinaryIO:
    """The same bytes as `stream`, once its prolog has been checked.

    Raises DoctypeFound or PrologTooLong; reads only as far as the root
    element's first character, then replays what it read.
    """
    head = b""
    while True:
        chunk = stream.read(_CHUNK)
        head += chunk
        if _prolog_ends(_decoded(head), at_end=not chunk):
            return _Replay(head, stream)
        if len(head) > PROLOG_LIMIT:
            raise PrologTooLong


def _decoded(head: bytes) -> str:
    """The bytes as text, good enough to find ASCII markup in.

    UTF-16 and UTF-32 are told by their byte-order mark or by the NULs around
    the first '<'; anything else is read as Latin-1, which keeps every ASCII
    character where UTF-8 and the ISO-8859 family put it.
    """
    for marker, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    ):
        if head.startswith(marker):
            width = 4 if "32" in codec else 2
            usable = head[: len(head) - len(head) % width]
            return usable.decode(codec, errors="replace").lstrip("\ufeff")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


def _prolog_ends(text: str, *, at_end: bool) -> bool:
    """True once the root element starts (or the text ends); False when more
    text is needed. Raises DoctypeFound at a declaration."""
    position = 0
    while True:
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if text.startswith("<?", position):
            end = text.find("?>", position + 2)
            if end < 0:
                return at_end
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            if end < 0:
                return at_end
            position = end + 3
        elif position + 4 > len(text) and not at_end:
            return False  # "<!-" or "<?" may be cut at the chunk's end
        elif text.startswith("<!", position):
            raise DoctypeFound(text.count("\n", 0, position) + 1)
        else:
            # The root element, or something libxml2 will call not well-formed.
            return True


class _Replay:
    """A readable stream: the bytes already read, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size is None or size < 0:
            data, self._head = self._head + self._rest.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data
