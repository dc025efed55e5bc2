"""Excel workbooks, read as the CSV the rest of the import knows: the first sheet, cell
by cell. Numbers stored as numbers come out with a decimal point and dates as
YYYY-MM-DD; numbers stored as text come out as typed, so a sheet that mixes the two
ways is refused by format detection, never guessed."""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

ENCODING = "xlsx"  # what FileFormat names instead of a text encoding


class NotAWorkbook(ValueError):
    """The file says it is a workbook but cannot be read as one; the message says so."""


def is_xlsx(data: bytes, name: str = "") -> bool:
    return name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def xlsx_to_csv(data: bytes) -> str:
    """The first sheet as CSV text; NotAWorkbook when the file is no readable workbook."""
    from openpyxl import load_workbook  # only imports that read a workbook need it

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                # Empty rows too (as blank lines the reader skips), so the reported line
                # numbers are the sheet's row numbers.
                writer.writerow([_text(value) for value in row] if any(row) else [])
        finally:
            book.close()
    except Exception as error:  # zip, XML, or openpyxl's own: a file it cannot read
        raise NotAWorkbook(
            _("The file is not a readable Excel workbook (%(error)s). Save it as .xlsx or CSV.")
            % {"error": error}
        ) from None
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # The shortest text that reads back as the same double, written out in full.
        return format(Decimal(repr(value)), "f") if not value.is_integer() else str(int(value))
    return str(value)
