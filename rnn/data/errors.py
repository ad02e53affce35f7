"""The one exception every data loader raises on bad input.

A learner who uploads a file should be told *where* it is wrong and *what* we expected, in one
line: ``train.conll, line 17: expected 'TOKEN TAG' (2 to 4 columns), got 1 column``.
"""
from __future__ import annotations


class DataFormatError(ValueError):
    """Bad or unusable input data.

    Args:
        message: what was expected and what was found.
        file: the file's name as the user knows it (``None`` when no file is involved).
        line: 1-based line number of the offending line (``None`` for whole-file problems).

    ``str(err)`` reads ``"<file>, line <line>: <message>"``, leaving out the parts that are None.
    The parts stay available as ``err.file``, ``err.line`` and ``err.detail``.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file, self.line, self.detail = file, line, message
        where = []
        if file:
            where.append(str(file))
        if line is not None:
            where.append(f"line {line}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
