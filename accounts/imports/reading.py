"""Reading an import file as what it is, never as a guess. The encoding (UTF-8, with or
without BOM, else Windows-1252 / Latin-1) and the delimiter are detected and named in the
report; numbers and dates are read in an explicit format (accounts.imports.formats),
chosen by the uploader or detected from every value in the file."""

import codecs
import csv
import gc
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from .formats import (
    AUTO,
    DELIMITERS,
    BadHeader,
    Evidence,
    FileFormat,
    shown,
)
from .xlsx import ENCODING as XLSX
from .xlsx import NotAWorkbook, is_xlsx, xlsx_to_csv

# A cell longer than this is refused on its row rather than read into memory whole.
MAX_CELL = 100_000


class MissingColumns(BadHeader):
    """Columns the import needs are not in the header (as mapped); `header` is the file's
    own column names, for matching them by hand."""

    def __init__(self, message: str, header: list[str]):
        super().__init__(message)
        self.header = header


@dataclass(frozen=True)
class Columns:
    """What an import reads: columns it needs, columns it may use, and which of them hold
    numbers and dates (those decide the file's number and date format)."""

    required: list[str]
    optional: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)

    @property
    def known(self) -> list[str]:
        return self.required + self.optional


@contextmanager
def process_objects_frozen() -> Iterator[None]:
    """Reading a large file with the objects the process already holds (Django's models,
    URLs, translations: a few hundred thousand) left out of the garbage collector's
    passes. Holding a few thousand rows at a time sets off full passes, and each went
    through all of those objects: reading a million lines' rows in batches took half again
    as long."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def detect_encoding(chunks: Iterator[bytes]) -> str:
    """UTF-8 when every byte decodes as UTF-8, else Windows-1252, else Latin-1 (which
    decodes anything). Reads the whole file, a chunk at a time, keeping none of it."""
    candidates: dict[str, codecs.IncrementalDecoder] = {
        "utf-8": codecs.getincrementaldecoder("utf-8")()
    }
    first = True
    candidates["cp1252"] = codecs.getincrementaldecoder("cp1252")()
    bom = False
    for chunk in chunks:
        if first:
            bom, first = chunk.startswith(codecs.BOM_UTF8), False
        for name, decoder in list(candidates.items()):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                del candidates[name]
    for name, decoder in list(candidates.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del candidates[name]
    if "utf-8" in candidates:
        return "utf-8-sig" if bom else "utf-8"
    return "cp1252" if "cp1252" in candidates else "latin-1"


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """(CSV text, encoding) of a file held in memory: a CSV decoded, an Excel workbook's
    first sheet converted ("xlsx")."""
    if is_xlsx(data, name):
        try:
            return xlsx_to_csv(data), XLSX
        except NotAWorkbook as error:
            raise BadHeader(str(error)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = detect_encoding(iter([data]))
    text = data.decode(encoding)
    if "\x00" in text:
        # No CSV a person saves holds one; PostgreSQL could not even keep the file.
        raise BadHeader(
            _(
                "The file holds NUL characters, so it is no text file (or UTF-16 without "
                "its byte order mark). Save it as CSV UTF-8 and upload it again."
            )
        )
    return text, encoding


def _delimiter(header_line: str, known: list[str]) -> str:
    """The candidate that splits the header into the most known column names, then into the
    most columns."""

    def score(candidate: str) -> tuple[int, int]:
        names = [n.strip() for n in next(csv.reader([header_line], delimiter=candidate), [])]
        return sum(n in known for n in names), len(names)

    return max(DELIMITERS, key=score)


def header_of(text: str, columns: Columns) -> list[str]:
    """The column names of a file held as text, split as Table will split them."""
    line = text.split("\n", 1)[0].rstrip("\r")
    names = next(csv.reader([line], delimiter=_delimiter(line, columns.known)), [])
    return [name.strip() for name in names]


class Table:
    """A CSV file ready to be read (as many times as an import needs): its format is
    settled when the table is opened, so every pass reads the same values."""

    def __init__(
        self,
        opener: Callable[[], IO[str]],
        columns: Columns,
        *,
        encoding: str = "utf-8",
        decimal: str = AUTO,
        date_format: str = AUTO,
        mapping: dict[str, str] | None = None,
    ):
        """`mapping`: the file's column names that stand for ours (source -> column)."""
        self.opener, self.columns = opener, columns
        self.mapping = {k: v for k, v in (mapping or {}).items() if k != v}
        with opener() as stream:
            header_line = stream.readline().rstrip("\r\n")
        delimiter = _delimiter(header_line, columns.known + list(self.mapping))
        self.header = [n.strip() for n in next(csv.reader([header_line], delimiter=delimiter), [])]
        names = [self.mapping.get(n, n) for n in self.header]
        self.format = FileFormat(encoding=encoding, delimiter=delimiter)
        twice = sorted({n for n in names if n and names.count(n) > 1 and n in columns.known})
        if twice:
            raise BadHeader(
                _("More than one column stands for %(columns)s; keep one.")
                % {"columns": ", ".join(twice)}
            )
        missing = [n for n in columns.required if n not in names]
        if missing:
            raise MissingColumns(
                _("Missing columns: %(columns)s. The header was read as: %(found)s. %(format)s")
                % {
                    "columns": ", ".join(missing),
                    "found": ", ".join(shown(n, 30) for n in self.header if n) or _("nothing"),
                    "format": self.format.describe(),
                },
                self.header,
            )
        self.present = [n for n in names if n in columns.known]
        self.unknown = [n for n in names if n and n not in columns.known]
        self.mapped = [(n, self.mapping[n]) for n in self.header if n in self.mapping]
        decimal, date_format = self._settle(decimal, date_format)
        self.format = FileFormat(encoding, delimiter, decimal, date_format)

    def rows(self, only: list[str] | None = None) -> Iterator[tuple[int, dict[str, str], str]]:
        """(line, values by column, problem) for every data row; line 1 is the header. A
        row that cannot be read at all comes with its problem and no values. `only`: the
        columns wanted, when not all of them are."""
        keep = self.present if only is None else [n for n in self.present if n in only]
        # A plain reader and the columns' positions: DictReader's dict of every cell for
        # every row was a third of reading a large file.
        with self._reader() as (reader, header):
            if header is None:
                return
            width = len(header)
            wanted = self._positions(header, keep)
            read_up_to = 1
            while True:
                try:
                    cells = next(reader)
                    while not cells:  # a blank line is no row (as DictReader skips it)
                        cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    # The reader has not counted the line it failed on.
                    read_up_to = max(reader.line_num, read_up_to + 1)
                    yield read_up_to, {}, _cell_error(error)
                    continue
                read_up_to = reader.line_num
                count = len(cells)
                if count >= width:
                    values = {name: cells[i].strip() for i, name in wanted}
                else:
                    values = {name: cells[i].strip() if i < count else "" for i, name in wanted}
                problem = ""
                if count > width:
                    problem = _("more cells than the header has columns")
                elif "\x00" in "".join(values.values()):
                    problem = _("a cell holds a NUL character (\\x00); save the file as text")
                yield reader.line_num, values, problem

    def _settle(self, decimal: str, date_format: str) -> tuple[str, str]:
        numbers = [n for n in self.columns.numbers if n in self.present] if decimal == AUTO else []
        dates = [n for n in self.columns.dates if n in self.present] if date_format == AUTO else []
        evidence = Evidence()
        if numbers or dates:
            for lines, columns in self._batches(numbers + dates):
                for values in columns[: len(numbers)]:
                    evidence.numbers(lines, values)
                for values in columns[len(numbers) :]:
                    evidence.dates_of(lines, values)
        return (
            evidence.decimal() if decimal == AUTO else decimal,
            evidence.date_format() if date_format == AUTO else date_format,
        )

    def _batches(self, names: list[str], size: int = 10_000):
        """(lines, each column's values) of the rows rows() finds no problem in, a batch of
        rows at a time. Read without rows()' dict for every row, and weighed a column's
        batch at a time, set against set: the pass that settles a million lines' format
        takes 1.6-2.2 s so (with process_objects_frozen, as imports run), where weighing
        each row's values took 2.9-3.5 s."""
        with self._reader() as (reader, header):
            if header is None:
                return
            width = len(header)
            position = {name: i for i, name in self._positions(header, names)}
            picks = [position[name] for name in names]
            pick = operator.itemgetter(*picks)
            lines: list[int] = []
            rows: list = []
            while True:
                try:
                    for cells in reader:
                        count = len(cells)
                        if count == width:
                            rows.append(pick(cells))
                        elif count and count < width:
                            rows.append(pick(cells + [""] * (width - count)))
                        else:
                            continue
                        lines.append(reader.line_num)
                        if len(lines) == size:
                            yield _columns(lines, rows, len(picks))
                            lines, rows = [], []
                    break
                except csv.Error:
                    continue  # a row rows() reports
            if lines:
                yield _columns(lines, rows, len(picks))

    @contextmanager
    def _reader(self) -> Iterator[tuple[Any, list[str] | None]]:
        """A CSV reader of the file past its header, and the header (None: no header)."""
        csv.field_size_limit(MAX_CELL)
        with self.opener() as stream:
            reader = csv.reader(stream, delimiter=self.format.delimiter)
            try:
                header = next(reader)
            except (StopIteration, csv.Error):
                header = None
            yield reader, header

    def _positions(self, header: list[str], names: list[str]) -> list[tuple[int, str]]:
        """(index, our column) of the header's columns among `names`, as mapped."""
        mapped = (self.mapping.get(n.strip(), n.strip()) for n in header)
        return [(i, name) for i, name in enumerate(mapped) if name in names]


def _columns(lines: list[int], rows: list, picked: int) -> tuple[list[int], list[list[str]]]:
    """(lines, each column's values) of a batch of rows, each row `picked` values (one:
    the value itself), leaving out the rows with a NUL in them, as rows() refuses them."""
    columns = [rows] if picked == 1 else zip(*rows, strict=True)
    columns = [[value.strip() for value in column] for column in columns]
    if any("\x00" in "".join(column) for column in columns):
        kept = [n for n in range(len(lines)) if not any("\x00" in c[n] for c in columns)]
        lines = [lines[n] for n in kept]
        columns = [[column[n] for n in kept] for column in columns]
    return lines, columns


def _cell_error(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return _("a cell is longer than %(limit)d characters") % {"limit": MAX_CELL}
    return _("the row cannot be read as CSV: %(error)s") % {"error": error}
