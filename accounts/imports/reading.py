"""Reading an import file as what it is, never as a guess. The encoding (UTF-8, with or
without BOM, else Windows-1252 / Latin-1) and the delimiter are detected and named in the
report; numbers and dates are read in an explicit format, chosen by the uploader or
detected from every value in the file, and detection refuses when the file allows two
readings (is `1,234` one thousand or one point two?). A decimal comma is never read as a
thousands separator."""

import codecs
import csv
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .xlsx import ENCODING as XLSX
from .xlsx import NotAWorkbook, is_xlsx, xlsx_to_csv

AUTO = "auto"
DECIMAL_CHOICES = [
    (AUTO, gettext_lazy("Detect from the file")),
    (".", gettext_lazy("Decimal point: 1234.56 or 1,234.56")),
    (",", gettext_lazy("Decimal comma: 1234,56 or 1.234,56")),
]
DATE_FORMATS = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
}
DATE_CHOICES = [(AUTO, gettext_lazy("Detect from the file"))] + [(k, k) for k in DATE_FORMATS]
ENCODING_NAMES = {
    "xlsx": gettext_lazy("an Excel workbook (its first sheet)"),
    "utf-16": gettext_lazy("UTF-16 (Unicode text)"),
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 with BOM"),
    "cp1252": gettext_lazy("Windows-1252 (Western European)"),
    "latin-1": "Latin-1 (ISO-8859-1)",
}
DELIMITERS = {
    ",": gettext_lazy("commas"),
    ";": gettext_lazy("semicolons"),
    "\t": gettext_lazy("tabs"),
    "|": gettext_lazy("vertical bars"),
}
# A cell longer than this is refused on its row rather than read into memory whole.
MAX_CELL = 100_000
_SPACES = " \u00a0\u202f'"


class BadHeader(Exception):
    """The file cannot be read as the expected table; nothing of it was imported."""


class MissingColumns(BadHeader):
    """Columns the import needs are not in the header (as mapped); `header` is the file's
    own column names, for matching them by hand."""

    def __init__(self, message: str, header: list[str]):
        super().__init__(message)
        self.header = header


class FormatUnclear(BadHeader):
    """The values allow two readings; the uploader has to say which (`setting`: "decimal"
    or "date_format")."""

    def __init__(self, message: str, setting: str):
        super().__init__(message)
        self.setting = setting


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


@dataclass(frozen=True)
class FileFormat:
    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    date_format: str = "YYYY-MM-DD"

    def describe(self) -> str:
        return _(
            "Read as %(encoding)s, columns separated by %(delimiter)s, %(decimal)s, "
            "dates as %(dates)s."
        ) % {
            "encoding": ENCODING_NAMES.get(self.encoding, self.encoding),
            "delimiter": DELIMITERS.get(self.delimiter, repr(self.delimiter)),
            "decimal": _("decimal comma") if self.decimal == "," else _("decimal point"),
            "dates": self.date_format,
        }

    def number(self, text: str) -> Decimal:
        """The number `text` in this format; ValueError with what is wrong otherwise."""
        pattern = _NUMBER[self.decimal]
        match = pattern.fullmatch(text)
        if not match:
            example = "1234,56" if self.decimal == "," else "1234.56"
            raise ValueError(
                _("%(value)s is not a number written like %(example)s")
                % {"value": shown(text), "example": example}
            )
        digits = _MARKS[self.decimal].sub("", text) if match.group(2) else text
        try:
            return Decimal(digits.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise ValueError(_("%(value)s is not a number") % {"value": shown(text)}) from None

    def date(self, text: str) -> date:
        try:
            if self.date_format == "YYYY-MM-DD" and len(text) == 10 and text[4] == text[7] == "-":
                # The common case, parsed in C: strptime took a fifth of a large import.
                return date.fromisoformat(text)
            return date(*time.strptime(text, DATE_FORMATS[self.date_format])[:3])
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date written as %(format)s")
                % {"value": shown(text), "format": self.date_format}
            ) from None


# Grouping: the other mark (or a space, or an apostrophe) between groups of three digits.
_GROUP = {".": ",", ",": "."}
_NUMBER = {
    decimal: re.compile(
        rf"[+-]?(\d+|\d{{1,3}}([{re.escape(group + _SPACES)}])\d{{3}}(\2\d{{3}})*)"
        rf"({re.escape(decimal)}\d+)?"
    )
    for decimal, group in _GROUP.items()
}
# The grouping marks a number may hold, removed before it is read.
_MARKS = {
    decimal: re.compile(f"[{re.escape(_SPACES)}{re.escape(group)}]")
    for decimal, group in _GROUP.items()
}


def shown(value: str, limit: int = 60) -> str:
    """A cell's text, fit for a report: quoted, cut short, invisible characters spelt."""
    text = value.replace("\x00", "\\x00")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


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
        csv.field_size_limit(MAX_CELL)
        with self.opener() as stream:
            # A plain reader and the columns' positions: DictReader's dict of every cell
            # for every row was a third of reading a large file.
            reader = csv.reader(stream, delimiter=self.format.delimiter)
            try:
                header = next(reader)
            except (StopIteration, csv.Error):
                return
            width = len(header)
            wanted = [
                (i, name)
                for i, name in enumerate(self.mapping.get(n.strip(), n.strip()) for n in header)
                if name in keep
            ]
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
        numbers = [n for n in self.columns.numbers if n in self.present]
        dates = [n for n in self.columns.dates if n in self.present]
        if decimal != AUTO and date_format != AUTO:
            return decimal, date_format
        evidence = _Evidence()
        for line, values, problem in self.rows(only=numbers + dates):
            if problem:
                continue
            if decimal == AUTO:
                for name in numbers:
                    evidence.number(line, values.get(name, ""))
            if date_format == AUTO:
                for name in dates:
                    evidence.date(line, values.get(name, ""))
        return (
            evidence.decimal() if decimal == AUTO else decimal,
            evidence.date_format() if date_format == AUTO else date_format,
        )


def _cell_error(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return _("a cell is longer than %(limit)d characters") % {"limit": MAX_CELL}
    return _("the row cannot be read as CSV: %(error)s") % {"error": error}


_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/\d{4}")


# A number's shape: its digits all written 9, so numbers that say the same about the
# format share one. Most numbers in a large file have a few shapes between them.
_SHAPE = str.maketrans("0123456789", "9999999999")
# How many shapes and dates are remembered: a file of junk has as many as lines.
_WEIGHED = 10_000


class _Evidence:
    """What the values say about the format: the first value for each reading, and the
    first that fits both. Each shape of number and each date is weighed once: what it
    says depends on nothing else, and the first of each is the one a report names."""

    def __init__(self):
        self.shapes: set[str] = set()
        self.days: set[str] = set()
        self.decimals: dict[str, tuple[int, str]] = {}
        self.ambiguous_number: tuple[int, str] | None = None
        self.dates: dict[str, tuple[int, str]] = {}
        self.ambiguous_date: tuple[int, str] | None = None
        self.same_either_way = False

    def number(self, line: int, text: str) -> None:
        text = text.lstrip("+-")
        # A number led by 0 keeps it apart: "0,123" cannot be a thousands grouping.
        shape = ("0" if text[:1] == "0" else "") + text.translate(_SHAPE)
        if shape in self.shapes:
            return
        if len(self.shapes) < _WEIGHED:
            self.shapes.add(shape)
        points, commas = text.count("."), text.count(",")
        if points and commas:
            reading = "." if text.rfind(".") > text.rfind(",") else ","
        elif points or commas:
            mark = "." if points else ","
            after = text.rsplit(mark, 1)[1]
            if points + commas > 1:
                reading = _GROUP[mark]  # repeated: it separates thousands
            elif len(after) == 3 and after.isdigit() and _could_group(text.split(mark)[0]):
                self.ambiguous_number = self.ambiguous_number or (line, text)
                return
            else:
                reading = mark
        else:
            return
        self.decimals.setdefault(reading, (line, text))

    def date(self, line: int, text: str) -> None:
        if text in self.days:
            return
        if len(self.days) < _WEIGHED:
            self.days.add(text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.dates.setdefault("YYYY-MM-DD", (line, text))
        elif re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
            self.dates.setdefault("DD.MM.YYYY", (line, text))
        elif match := _SLASH_DATE.fullmatch(text):
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                self.dates.setdefault("DD/MM/YYYY", (line, text))
            elif second > 12 >= first:
                self.dates.setdefault("MM/DD/YYYY", (line, text))
            elif first != second:
                self.ambiguous_date = self.ambiguous_date or (line, text)
            else:
                self.same_either_way = True  # 05/05/2026 reads the same both ways

    def decimal(self) -> str:
        if len(self.decimals) > 1:
            (line_a, a), (line_b, b) = self.decimals["."], self.decimals[","]
            raise FormatUnclear(
                _(
                    "Numbers are written two ways: %(a)s on line %(line_a)d has a decimal "
                    "point, %(b)s on line %(line_b)d a decimal comma. Correct the file, or "
                    "choose the decimal separator."
                )
                % {"a": shown(a), "line_a": line_a, "b": shown(b), "line_b": line_b},
                "decimal",
            )
        if self.decimals:
            return next(iter(self.decimals))
        if self.ambiguous_number:
            line, text = self.ambiguous_number
            raise FormatUnclear(
                _(
                    "%(value)s on line %(line)d could be a whole number with a thousands "
                    "separator or a decimal fraction, and no other number in the file tells "
                    "which. Choose the decimal separator."
                )
                % {"value": shown(text), "line": line},
                "decimal",
            )
        return "."

    def date_format(self) -> str:
        if len(self.dates) > 1:
            found = ", ".join(
                _("%(value)s on line %(line)d") % {"value": shown(text), "line": line}
                for line, text in self.dates.values()
            )
            raise FormatUnclear(
                _("Dates are written in more than one format (%(found)s). Correct the file.")
                % {"found": found},
                "date_format",
            )
        if self.dates:
            return next(iter(self.dates))
        if self.ambiguous_date:
            line, text = self.ambiguous_date
            raise FormatUnclear(
                _(
                    "%(value)s on line %(line)d could be day/month or month/day, and no other "
                    "date in the file tells which. Choose the date format."
                )
                % {"value": shown(text), "line": line},
                "date_format",
            )
        return "DD/MM/YYYY" if self.same_either_way else "YYYY-MM-DD"


def _could_group(before: str) -> bool:
    """Whether digits before a mark could be the first group of a thousands grouping."""
    return before.isdigit() and 1 <= len(before) <= 3 and before != "0"
