"""An account's group as a tree: every unit of it (what a plan covers), and the rows the
account page draws, each unit with the figures of everything below it.

A group may hold 1,000 units, nearly all of them leaves (units with no units of their
own). The page draws under each unit its SHOWN_UNITS largest and folds the rest into one
row, so it reads every unit that has units, but of the leaves only the largest few of
each parent, and their count and sums from the same query (window functions), never
1,000 rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.db import connection
from django.db.models import Exists, OuterRef

from .models import Account

ZERO = Decimal(0)
CENT = Decimal("0.01")
FIGURES = ("list_revenue_12m", "list_open_pipeline", "list_potential")
# Units the group tree draws under each unit; the rest fold into one row.
SHOWN_UNITS = 10


@dataclass(slots=True, eq=False)
class Unit:
    """A unit below a group's root, read as plain values: making 1,000 model objects took
    several times the query's own time."""

    pk: int
    name: str
    parent_id: int

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other) -> bool:
        """The same unit as another Unit, or as the Account it was read from (as accounts
        compare, by id)."""
        if isinstance(other, Unit | Account):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


@dataclass(slots=True)
class GroupNode:
    account: Account | Unit
    depth: int
    children: list["GroupNode"] = field(default_factory=list)

    def walk(self):
        """This unit and every unit below it, in tree order (a stack, not a generator per
        unit: a group has 1,000)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _root(account: Account, visible) -> tuple[Account, list[int]]:
    """The top of the account's group as the user may see it, and the ids from there down
    to the account. The database refuses loops (migration 0011), but rows stored before it
    may hold one: every walk stops at an account it has already met."""
    root, path = account, [account.pk]
    while root.parent_id is not None and root.parent_id not in path:
        parent = visible.filter(pk=root.parent_id).first()
        if parent is None:
            break
        root = parent
        path.append(root.pk)
    return root, path[::-1]


def group_units(*, account: Account, user) -> GroupNode:
    """The account's whole group as the user may see it, in tree order, without figures:
    one query per level of the tree, bounded by depth, not size. The root is an account,
    the units below it Units."""
    visible = Account.objects.visible_to(user)
    root, _ = _root(account, visible)
    by_parent: dict[int, list[Unit]] = defaultdict(list)
    level, placed = [root.pk], {root.pk}
    has_units = Exists(Account.objects.filter(parent=OuterRef("pk")))
    while level:
        rows_read = (
            visible.filter(parent_id__in=level)
            .annotate(has_units=has_units)
            .order_by("name")
            .values_list("id", "name", "parent_id", "has_units")
        )
        level = []
        for pk, name, parent_id, below in rows_read:
            if pk in placed:
                continue
            by_parent[parent_id].append(Unit(pk, name, parent_id))
            placed.add(pk)
            # Only units that have units are asked for theirs: a group's 1,000 units,
            # none with units of their own, took a query naming 1,000 ids to learn it.
            if below:
                level.append(pk)

    def build(unit: Account | Unit, depth: int) -> GroupNode:
        return GroupNode(unit, depth, [build(child, depth + 1) for child in by_parent[unit.pk]])

    return build(root, 0)


@dataclass(slots=True, eq=False)
class GroupRow:
    """A unit the page's tree draws, with its figures and everything below it summed."""

    account: Account | Unit
    depth: int
    own: tuple  # (revenue 12 months, potential, open pipeline), kept on the account
    totals: tuple = (ZERO, ZERO, ZERO)  # with everything below it
    size: int = 1  # units, with those below it
    has_units: bool = False  # in the table: those below may all be out of the user's sight
    children: list["GroupRow"] = field(default_factory=list)
    # What the tree template asks each row (a Folded row says True): a name the template
    # does not find costs it an exception.
    folded: ClassVar[bool] = False

    @property
    def indent(self) -> int:
        """The depth the page indents by: past six levels a deeper unit sits at six."""
        return min(self.depth, 6)


@dataclass(slots=True)
class Folded:
    """The units of a group the tree does not draw one by one, summed."""

    parent: GroupRow
    depth: int
    count: int  # units, with those below them
    totals: tuple
    folded: ClassVar[bool] = True

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


def _figures(row) -> tuple:
    revenue, pipeline, potential = (value or ZERO for value in row)
    return revenue, potential, pipeline


def _add(a: tuple, b: tuple) -> tuple:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def _less(a: tuple, b: tuple) -> tuple:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def group_rows(*, account: Account, user, shown: int = SHOWN_UNITS) -> list:
    """What the account page's tree draws, in tree order: the group's root, under each unit
    its `shown` largest units by revenue with everything below them (and the one holding
    the current account), then one Folded row summing the rest. One query per level of
    the tree; each returns the units that have units, and of the leaves the `shown`
    largest per parent (and the current account), each carrying its parent's count and
    sums of leaves."""
    visible = Account.objects.visible_to(user)
    root, path = _root(account, visible)
    on_path = set(path)
    top = GroupRow(root, 0, _figures(getattr(root, name) for name in FIGURES))
    rows = {root.pk: top}
    leaves: dict[int, tuple[int, tuple]] = {}  # parent -> (count, sums) of its leaves
    has_units = Exists(Account.objects.filter(parent=OuterRef("pk")))
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    level = [root.pk]
    while level:
        # Who may see what stays the queryset's; the window functions are written out
        # around it: built by the ORM, this query took longer to compile than to run.
        units = (
            visible.filter(parent_id__in=level)
            .annotate(has_units=has_units)
            .order_by()
            .values("id", "name", "parent_id", "has_units", *FIGURES)
        )
        sql, params = units.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                LEVEL.format(units=sql, path=", ".join(["%s"] * len(path)), collate=collate),
                [*params, shown, *path],
            )
            read = cursor.fetchall()
        level = []
        for pk, unit_name, parent_id, below, count, *figures in read:
            if pk in rows:  # a loop stored before the rule: met already
                continue
            parent = rows[parent_id]
            unit = Unit(pk, unit_name, parent_id)
            own = _figures(_decimal(v) for v in figures[:3])
            row = GroupRow(unit, parent.depth + 1, own, has_units=bool(below))
            rows[pk] = row
            parent.children.append(row)
            if below:
                level.append(pk)
            else:
                leaves[parent_id] = (count, _figures(_decimal(v) for v in figures[3:]))
    _sum_up(top, leaves)
    return list(_drawn(top, on_path=on_path, shown=shown))


# One level of the tree: every unit that has units, and of the leaves the largest few
# of each parent (and the current account), each with the count and sums of all its
# parent's leaves. Ties go by name as Python orders it (code points), as PostgreSQL's "C"
# collation and SQLite's default do.
LEVEL = """
SELECT id, name, parent_id, has_units, leaves, list_revenue_12m, list_open_pipeline,
       list_potential, leaves_revenue, leaves_pipeline, leaves_potential
FROM (
    SELECT u.*,
           ROW_NUMBER() OVER (leaves ORDER BY list_revenue_12m DESC, name{collate}, id) AS place,
           COUNT(*) OVER leaves AS leaves,
           SUM(COALESCE(list_revenue_12m, 0)) OVER leaves AS leaves_revenue,
           SUM(COALESCE(list_open_pipeline, 0)) OVER leaves AS leaves_pipeline,
           SUM(COALESCE(list_potential, 0)) OVER leaves AS leaves_potential
    FROM ({units}) u
    WINDOW leaves AS (PARTITION BY parent_id, has_units)
) level
WHERE has_units OR place <= %s OR id IN ({path})
"""


def _decimal(value) -> Decimal | None:
    """A money figure as read without the ORM: SQLite gives numbers, not Decimals."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(CENT)


def _sum_up(top: GroupRow, leaves: dict[int, tuple[int, tuple]]) -> None:
    """Each row's totals and size: itself, all its leaves (read or not, summed by the
    query), and the units that have units below it, deepest first."""
    order = [top]
    for row in order:  # breadth first: each row after its parent
        order.extend(row.children)
    for row in reversed(order):
        count, sums = leaves.get(row.account.pk, (0, (ZERO, ZERO, ZERO)))
        row.totals, row.size = _add(row.own, sums), 1 + count
        for child in row.children:
            if child.has_units:  # the leaves are in the sums already
                row.totals, row.size = _add(row.totals, child.totals), row.size + child.size


def _drawn(row: GroupRow, *, on_path: set, shown: int):
    yield row
    ranked = sorted(
        row.children, key=lambda child: (-child.totals[0], child.account.name, child.account.pk)
    )
    kept = [child for i, child in enumerate(ranked) if i < shown or child.account.pk in on_path]
    for child in kept:
        yield from _drawn(child, on_path=on_path, shown=shown)
    count = row.size - 1 - sum(child.size for child in kept)
    if count:
        totals = _less(row.totals, row.own)
        for child in kept:
            totals = _less(totals, child.totals)
        yield Folded(parent=row, depth=row.depth + 1, count=count, totals=totals)
