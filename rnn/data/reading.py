"""Reading a user's file into text, safely: size limit, binary check, encoding, clear errors.

Encoding policy (chosen so nothing is silently mangled):
  * UTF-8, with or without a byte-order mark, is read as is;
  * UTF-16 and UTF-32 *with* a byte-order mark (what Windows Notepad and Excel's "Unicode text"
    write) are detected and decoded;
  * anything else that is not valid UTF-8 (e.g. Latin-1 / Windows-1252 "café" = b"caf\\xe9") is
    **rejected** with the line of the first bad byte and a request to save the file as UTF-8. We
    do not guess: guessing Latin-1 would turn a file in any other encoding into wrong text that
    trains without complaint.
Line endings \\r\\n and \\r become \\n.
"""
from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import IO, Union

from .errors import DataFormatError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
Source = Union[str, os.PathLike, bytes, bytearray, memoryview, IO[bytes]]
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]


def _size(n: int) -> str:
    """Human-readable byte count: "512 bytes", "3.4 KB", "25.0 MB"."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def read_bytes(source: Source, name: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    """``(data, name)`` from a path (str or Path), raw bytes, or a binary file object.

    Bytes and file objects need ``name`` for messages (a file object's ``.name`` is used if
    present, as with Streamlit's UploadedFile); paths default to their file name.
    ``max_bytes=None`` means DEFAULT_MAX_BYTES (the tasks' ``load_file`` passes None by default).
    """
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise DataFormatError("file not found", file=name)
        size = path.stat().st_size
        if size > max_bytes:
            raise DataFormatError(f"the file is {_size(size)}; the limit is "
                                  f"{_size(max_bytes)}", file=name)
        return path.read_bytes(), name
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        name = name or getattr(source, "name", None)
        data = source.read(max_bytes + 1)   # never read more than we could accept
    else:
        raise TypeError(f"expected a path, bytes or a binary file object, got {type(source).__name__}")
    name = name or "<uploaded data>"
    if len(data) > max_bytes:
        raise DataFormatError(f"the file is larger than the limit of {_size(max_bytes)}",
                              file=name)
    return data, name


def decode_text(data: bytes, name: str) -> str:
    """Text of ``data`` under the module's encoding policy; rejects empty and binary data."""
    if not data:
        raise DataFormatError("the file is empty", file=name)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                raise DataFormatError(f"the file starts with a {encoding.upper()} byte-order mark "
                                      f"but is not valid {encoding.upper()} ({err.reason})",
                                      file=name) from None
            return _check_text(text, name)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise DataFormatError("this looks like a binary file (it contains NUL bytes); "
                              "expected a UTF-8 text file", file=name, line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        guess = data[err.start:err.start + 1].decode("cp1252", errors="replace")
        raise DataFormatError(
            f"the file is not UTF-8 text: it was saved in an older encoding such as Windows-1252 "
            f"or Latin-1 (probably a letter like “{guess}”). In a text editor choose “Save as”, "
            "pick the encoding UTF-8, and upload it again",
            file=name, line=line) from None
    return _check_text(text, name)


def _check_text(text: str, name: str) -> str:
    if "\x00" in text:
        raise DataFormatError("this looks like a binary file (it contains NUL characters); "
                              "expected a text file", file=name)
    if not text.strip():
        raise DataFormatError("the file contains only whitespace", file=name)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(source: Source, name: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """``(text, name)``: ``read_bytes`` then ``decode_text``."""
    data, name = read_bytes(source, name, max_bytes)
    return decode_text(data, name), name
