"""How an import file writes numbers and dates: the formats read, a value read in one,
and the evidence of a whole file's values for which one it is written in. Detection
refuses when the file allows two readings (is `1,234` one thousand or one point two?); a
decimal comma is never read as a thousands separator."""

import re
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
_SPACES = " \u00a0\u202f'"


class BadHeader(Exception):
    """The file cannot be read as the expected table; nothing of it was imported."""


class FormatUnclear(BadHeader):
    """The values allow two readings; the uploader has to say which (`setting`: "decimal"
    or "date_format")."""

    def __init__(self, message: str, setting: str):
        super().__init__(message)
        self.setting = setting


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


_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/\d{4}")


# A number's shape: its sign left off and its digits written 9, but for a leading 0 (which
# keeps "0,123" apart: it cannot be a thousands grouping), so numbers that say the same
# about the format share one. Most numbers in a large file have a few shapes between them.
_SHAPE = str.maketrans("123456789", "999999999")
_SIGNS = re.compile("\x00[+-]+")
_INNER_ZERO = re.compile("(?<!\x00)0")


def _shapes(texts: list[str]) -> list[str]:
    """Each number's shape, worked out for all of them at once (NUL parts them)."""
    if not texts:
        return []
    joined = _SIGNS.sub("\x00", "\x00" + "\x00".join(texts))
    return _INNER_ZERO.sub("9", joined.translate(_SHAPE)).split("\x00")[1:]


# How many shapes and dates are remembered: a file of junk has as many as lines.
_WEIGHED = 10_000


class Evidence:
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

    def numbers(self, lines: list[int], texts: list[str]) -> None:
        """Weighs the first number of each shape not weighed before (texts without NUL)."""
        self._weigh(lines, texts, _shapes(texts), self.shapes, self.number)

    def dates_of(self, lines: list[int], texts: list[str]) -> None:
        """Weighs the first of each date not weighed before."""
        self._weigh(lines, texts, texts, self.days, self.date)

    @staticmethod
    def _weigh(lines, texts, keys, weighed: set[str], weigh) -> None:
        new = set(keys) - weighed
        for line, text, key in zip(lines, texts, keys, strict=True):
            if not new:
                return
            if key in new:
                new.discard(key)
                if len(weighed) < _WEIGHED:
                    weighed.add(key)
                weigh(line, text)

    def number(self, line: int, text: str) -> None:
        text = text.lstrip("+-")
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
