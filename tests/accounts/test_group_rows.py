"""The account page's group tree, read level by level with only the largest leaves of each
parent, draws what a plain computation over every unit the reader sees would draw: on
random groups with units out of sight, tied revenues and deep branches."""

import random
from decimal import Decimal

import pytest

from accounts.groups import ZERO, group_rows, group_units
from accounts.models import Account
from tests.factories import AccountFactory

SHOWN = 3


def reference(*, account, user, shown):
    """Every unit the user sees, summed below each, ranked, the rest folded: as the page
    drew its tree before it read only the largest leaves."""
    tree = group_units(account=account, user=user)
    kept = {
        row["pk"]: row
        for row in Account.objects.values(
            "pk", "list_revenue_12m", "list_potential", "list_open_pipeline"
        )
    }

    def own(node):
        row = kept[node.account.pk]
        return tuple(
            row[name] or ZERO
            for name in ("list_revenue_12m", "list_potential", "list_open_pipeline")
        )

    def total(node):
        sums = own(node)
        for child in node.children:
            sums = tuple(a + b for a, b in zip(sums, total(child), strict=True))
        return sums

    def size(node):
        return 1 + sum(size(child) for child in node.children)

    def contains(node, pk):
        return node.account.pk == pk or any(contains(child, pk) for child in node.children)

    def rows(node):
        yield ("unit", node.account.name, node.depth, total(node))
        ranked = sorted(node.children, key=lambda c: (-total(c)[0], c.account.name, c.account.pk))
        kept_ = [c for i, c in enumerate(ranked) if i < shown or contains(c, account.pk)]
        for child in kept_:
            yield from rows(child)
        rest = [c for c in ranked if c not in kept_]
        if rest:
            sums = (ZERO, ZERO, ZERO)
            for child in rest:
                sums = tuple(a + b for a, b in zip(sums, total(child), strict=True))
            yield ("folded", sum(size(c) for c in rest), node.depth + 1, sums)

    return list(rows(tree))


def drawn(rows):
    return [
        ("folded", row.count, row.depth, row.totals)
        if row.folded
        else ("unit", row.account.name, row.depth, row.totals)
        for row in rows
    ]


@pytest.mark.parametrize("seed", range(12))
def test_the_tree_drawn_is_the_one_every_unit_gives(seed, kam1, kam2):
    rng = random.Random(seed)
    root = AccountFactory(name="Group", owner=kam1)
    units = [root]
    for _ in range(rng.randint(15, 45)):
        # Mostly leaves under a few parents, some deep; a few of another team's, which
        # kam1 does not see (nor what is below them).
        parent = rng.choice(units[:4] if rng.random() < 0.7 else units)
        owner = kam2 if rng.random() < 0.1 else kam1
        units.append(
            AccountFactory(name=f"Unit {rng.randint(1, 12):02}", owner=owner, parent=parent)
        )
    for unit in units:
        Account.objects.filter(pk=unit.pk).update(
            list_revenue_12m=Decimal(rng.choice([0, 0, 100, 250, 1000])),
            list_potential=rng.choice([None, Decimal(500)]),
            list_open_pipeline=Decimal(rng.choice([0, 70])),
        )
    current = rng.choice([u for u in units if u.owner == kam1])

    rows = group_rows(account=current, user=kam1, shown=SHOWN)

    assert drawn(rows) == reference(account=current, user=kam1, shown=SHOWN)
    assert any(not row.folded and row.account.pk == current.pk for row in rows)


def test_a_group_of_1000_leaves_reads_a_few_rows_in_one_query(kam1, django_assert_num_queries):
    root = AccountFactory(name="Group", owner=kam1)
    Account.objects.bulk_create(
        Account(name=f"Unit {n:04}", owner=kam1, parent=root, currency_id="USD")
        for n in range(1000)
    )
    Account.objects.filter(parent=root).update(list_revenue_12m=Decimal(10))

    with django_assert_num_queries(1):
        rows = group_rows(account=root, user=kam1)

    assert [row.account.name for row in rows[1:11]] == [f"Unit {n:04}" for n in range(10)]
    assert (rows[-1].count, rows[-1].totals[0]) == (990, Decimal(9900))
    assert rows[0].totals[0] == Decimal(10000)
