"""Next pages read from where the last one ended (keyset pagination), however far in.

A page's Next link carries its last row's sort values, signed; the next page is the rows
that come after them in the list's order, read from the sort's index like a first page.
Skipping rows instead (OFFSET) walks every one before the page: 10 ms at row 75,000 of
the account list with the ids read alone, 0.2 s with its joins. A page asked for by
number alone (a bookmark, an edited address) still skips.

Only lists ordered by columns with their NULLs placed, or that hold none, can seek: an
order whose NULLs fall where the database puts them (first or last by vendor) is read
by number."""

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, OrderBy, Q, QuerySet

SALT = "kamcrm.seek"


@dataclass(frozen=True)
class Key:
    """One column of a list's order."""

    field: models.Field
    descending: bool
    nulls_first: bool

    @property
    def name(self) -> str:
        return self.field.attname


def order_of(queryset: QuerySet) -> list[Key] | None:
    """The queryset's order as columns, or None where it cannot seek."""
    keys = []
    meta = queryset.model._meta
    for part in queryset.query.order_by:
        if isinstance(part, str):
            part = OrderBy(F(part.lstrip("-")), descending=part.startswith("-"))
        if not (isinstance(part, OrderBy) and isinstance(part.expression, F)):
            return None
        name: str = part.expression.name  # type: ignore[attr-defined]  # (F's stub lacks it)
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.is_relation:
            return None
        if field.null and not (part.nulls_first or part.nulls_last):
            return None  # the database's own NULL order, which differs by vendor
        keys.append(Key(field, part.descending, bool(part.nulls_first)))
    if not keys or keys[-1].field is not meta.pk:
        return None  # without the key last, rows tying on every column could be lost
    return keys


def cursor(row: models.Model, keys: list[Key]) -> str:
    """The signed place just after `row`."""
    values = [getattr(row, key.name) for key in keys]
    return signing.dumps(
        {"order": _named(keys), "at": [None if v is None else str(v) for v in values]},
        salt=SALT,
    )


def after(cursor_text: str, keys: list[Key]) -> list[Q] | None:
    """The rows that come after the cursor's place, as the stretches of the order to read
    in turn, each a range of the sort's index (an OR of them the index cannot start at,
    and PostgreSQL read every row before the place); None for a cursor this order did not
    sign (another sort, a tampered or stale link)."""
    try:
        place = signing.loads(cursor_text, salt=SALT)
        if place["order"] != _named(keys):
            return None
        values = [
            None if value is None else key.field.to_python(value)
            for key, value in zip(keys, place["at"], strict=True)
        ]
    except (signing.BadSignature, ValueError, TypeError, KeyError, ValidationError):
        return None
    return _stretches(keys, values)


def _stretches(keys: list[Key], values: list) -> list[Q]:
    """After (v1, v2, ...): the rows tied on v1 that come after (v2, ...), then those
    whose first column comes after v1."""
    key, value = keys[0], values[0]
    if len(keys) == 1:
        return _beyond(key, value)
    if len(keys) == 2 and value is not None:
        # (x, id) after (v, p): one range of the index from v on, leaving out the few rows
        # at v up to p, rather than one query for those at v and one for the rest.
        last, at = keys[1], "lte" if key.descending else "gte"
        later = Q(**{f"{last.name}__{'lt' if last.descending else 'gt'}": values[1]})
        stretch = Q(**{f"{key.name}__{at}": value}) & (~Q(**{key.name: value}) | later)
        nulls_last = key.field.null and not key.nulls_first
        return [stretch, *([Q(**{f"{key.name}__isnull": True})] if nulls_last else [])]
    tied = Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})
    return [tied & rest for rest in _stretches(keys[1:], values[1:])] + _beyond(key, value)


def _named(keys: list[Key]) -> list[str]:
    return [
        f"{'-' if k.descending else ''}{k.name}{' nulls first' if k.nulls_first else ''}"
        for k in keys
    ]


def _beyond(key: Key, value) -> list[Q]:
    """The rows whose `key` comes strictly after `value`, in order: the later values,
    then the NULLs where they come last."""
    nulls = [Q(**{f"{key.name}__isnull": True})] if key.field.null else []
    if value is None:  # NULLs first: every value follows; NULLs last: nothing does
        return [Q(**{f"{key.name}__isnull": False})] if key.nulls_first else []
    later = [Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})]
    return later if key.nulls_first else later + nulls
