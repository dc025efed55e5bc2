"""CSV that is safe to open in a spreadsheet: a text cell starting with =, +, -, @ (or a
tab or carriage return) would run as a formula there, so it gets a leading apostrophe,
which spreadsheets show as text and hide. Numbers stay numbers, negative ones included.
Every CSV the app writes goes through `writer` (OWASP's CSV injection advice)."""

import csv
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> _SafeWriter:
    """csv.writer, with every cell made safe."""
    return _SafeWriter(csv.writer(stream, **options))


def dict_rows(rows: list[dict]) -> list[list]:
    """A header row and the values of dicts that share their keys."""
    if not rows:
        return []
    return [list(rows[0]), *([row[key] for key in rows[0]] for row in rows)]
