"""CSV imports: every row is checked by the model fields' own rules before anything is
written, a file with any bad row writes nothing, and importing the same file twice
changes nothing (rows are matched by external id / reference)."""

from .accounts import ACCOUNT_COLUMNS, import_accounts
from .formats import AUTO, BadHeader, FormatUnclear
from .reading import Columns, MissingColumns, Table, decode
from .report import ImportReport
from .revenue import REVENUE_COLUMNS, import_revenue

__all__ = [
    "ACCOUNT_COLUMNS",
    "AUTO",
    "REVENUE_COLUMNS",
    "BadHeader",
    "Columns",
    "FormatUnclear",
    "ImportReport",
    "MissingColumns",
    "Table",
    "decode",
    "import_accounts",
    "import_revenue",
]
