"""SQL written by hand for both databases the app runs on."""

from django.db import connection


def differs(left: str, right: str) -> str:
    """SQL true where two values differ, NULL counting as a value: PostgreSQL's
    IS DISTINCT FROM, SQLite's IS NOT. An UPDATE that writes only the rows it changes
    compares with this."""
    operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{left} {operator} {right}"
