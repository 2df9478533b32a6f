"""Opening a puzzle file from the window: the solver's reader, with plain words for what is not one.

`solver.documents` decodes any text an editor writes; what it refuses it names in an encoder's
terms ("not text in UTF-8, UTF-16 or cp1252 (byte 51)"), and bytes that happen to decode as
cp1252 reach a kind's reader, which then speaks of malformed CSV. A person who opened a picture
by mistake needs neither: this says it is not a text file, and what it looks like."""

from __future__ import annotations

from pathlib import Path

from solver.documents import MAX_BYTES, decode_document

# The first bytes of files people open by mistake -> what to call them.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an office document"),
    (b"\x1f\x8b", "a gzip archive (unpack it first)"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
)
_SAMPLE = 8192  # bytes looked at to tell text from binary
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")  # tab, line ends, form feed, DOS end-of-file


def binary_kind(data: bytes) -> str | None:
    """What binary file `data` looks like ("a PNG image", "a binary file"), or None for text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    sample = data[:_SAMPLE]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text is full of NULs and control bytes; its decoder judges it
    controls = sum(1 for b in sample if (b < 0x20 or b == 0x7F) and b not in _TEXT_CONTROLS)
    if b"\x00" in sample or controls > max(2, len(sample) // 100):
        return "a binary file"
    return None


def read_puzzle_file(path: Path) -> str:
    """The text of a puzzle file; ValueError in plain words (without the name) when it is not one."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValueError(f"at {size // (1024 * 1024)} MB it is too large to be a puzzle file")
        data = path.read_bytes()
    except OSError as err:
        raise ValueError(f"it cannot be read ({err.strerror or err})") from None
    what = binary_kind(data)
    not_text = "it is not a text file{}, so it holds no puzzle (puzzle files are text)"
    if what is not None:
        raise ValueError(not_text.format(f" (it looks like {what})" if what != "a binary file" else ""))
    try:
        return decode_document(data)
    except ValueError:
        raise ValueError(not_text.format("")) from None
