"""Reading a puzzle document's bytes as text, whatever editor wrote it.

UTF-8 with or without a byte-order mark (Notepad, Excel "CSV UTF-8"), UTF-16 with a mark
(PowerShell's ``>``), and cp1252 (an author's name typed on an older Windows machine) as the
fallback for bytes that are not UTF-8. A file with NUL bytes and no UTF-16 mark is binary.
"""

from __future__ import annotations

import codecs
from pathlib import Path

MAX_BYTES = 64 * 1024 * 1024  # a larger "puzzle file" is not one: refuse it before reading it all


def decode_document(data: bytes, name: str = "") -> str:
    """The text of a document's bytes; ValueError naming `name` if they are not text."""
    where = f"{name}: " if name else ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ValueError(f"{where}starts like UTF-16 text but is not ({err.reason} at byte {err.start})") from None
    if b"\x00" in data:
        raise ValueError(f"{where}this is a binary file, not a text puzzle file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise ValueError(f"{where}not text in UTF-8, UTF-16 or cp1252 (byte {err.start})") from None


def read_document(path: str | Path) -> str:
    """The text of the file at `path` (see `decode_document`); ValueError naming the file."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"{path}: {path.stat().st_size // (1024 * 1024)} MB is too large for a puzzle file")
        data = path.read_bytes()
    except OSError as err:
        raise ValueError(f"{path}: cannot read ({err.strerror or err})") from None
    return decode_document(data, str(path))
