"""PostgreSQL classifies in one SQL statement, SQLite with the same rules in Python: on a
varied portfolio the two store the same snapshots, field for field, floats included."""

import random
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Currency, RevenueLine, Thresholds, TierSnapshot
from accounts.periods import add_months
from accounts.tiering import classify_in_python
from accounts.tiering_sql import classify_in_sql
from tests.factories import AccountFactory
from tests.needs import needs_postgresql

AS_OF = date(2026, 11, 23)
WINDOW_START = date(2025, 11, 1)
FIELDS = [f.name for f in TierSnapshot._meta.concrete_fields if f.name != "id"]

# Bands the smaller accounts reach, and shares and variations that are odd decimals.
TIGHT = {
    "abc_a_share": 0.7,
    "abc_b_share": 0.9,
    "xyz_x_cv": 0.3,
    "xyz_y_cv": 0.7,
    "contribution_high": Decimal("40000"),
    "contribution_medium": Decimal("15000"),
    "relative_contribution_min": 0.45,
    "potential_high": Decimal("90000"),
    "potential_medium": Decimal("30000"),
    "lost_after_months": 3,
    "at_risk_drop": 0.15,
}


def monthly_amounts(rng: random.Random) -> dict[int, Decimal]:
    """Revenue by window month (0 = November 2025; negative = before; 12 = the as-of
    month), in one of the shapes a real portfolio has."""
    shape = rng.choice(["even"] * 4 + ["patchy", "fading", "growing", "old", "credit", "none"])
    base = Decimal(rng.randrange(1, 900_000)) / 100
    if shape == "even":
        swing = rng.randrange(1, 100)  # per cent either way: X, Y or Z
        return {
            m: (base * (100 + rng.randrange(-swing, swing + 1)) / 100).quantize(Decimal("0.01"))
            for m in range(-12, 13)
        }
    if shape == "patchy":
        return {m: base * rng.randrange(1, 9) for m in rng.sample(range(-24, 13), 7)}
    if shape == "fading":
        return {m: base * (12 - m) for m in range(-12, rng.randrange(0, 12))}
    if shape == "growing":
        return {m: base * (m + 13) for m in range(-3, 12)}
    if shape == "old":
        return {-rng.randrange(13, 60): base}
    if shape == "credit":
        return {m: -base for m in rng.sample(range(-30, 12), 3)}
    return {}


def build_portfolio(owner) -> None:
    rng = random.Random(15)
    amounts: dict[int, Decimal] = {}
    currency = "USD"
    Currency.objects.filter(code="THB").update(rate_to_base=Decimal("0.0307123457"))
    Currency.objects.filter(code="EUR").update(rate_to_base=Decimal("1.0834000001"))
    Currency.objects.filter(code="PLN").update(rate_to_base=None)  # no rate: no sums
    currencies = ["USD", "USD", "THB", "EUR", "PLN"]
    # Byte order, not the database's collation, ranks ties: case, accents and blanks.
    names = ["a-1", "B-1", "b-1", "Ä-1", "Z-9", "z-10", "", ""]
    lines = []
    for n in range(160):
        # One account in four is a thousand times larger: the default bands' millions.
        scale = rng.choice([1, 1, 1, 1000])
        potential = rng.choice([None, Decimal(0), Decimal(rng.randrange(1, 20_000_000)) / 100])
        potential = potential and potential * scale
        # Every fourth account repeats the one before it: ties in revenue.
        if n % 4 != 3:
            currency = rng.choice(currencies)
            amounts = {month: amount * scale for month, amount in monthly_amounts(rng).items()}
        account = AccountFactory(
            owner=owner,
            external_id=names[n] if n < len(names) else f"K-{rng.randrange(10**6):06}",
            currency_id=currency,
            potential=potential,
        )
        for month, amount in amounts.items():
            day = add_months(WINDOW_START, month).replace(day=rng.randrange(1, 29))
            lines.append(
                RevenueLine(
                    account=account,
                    date=day,
                    amount=amount,
                    currency_id=account.currency_id,
                    external_ref=f"{n}-{month}",
                )
            )
    RevenueLine.objects.bulk_create(lines)


def stored() -> list[tuple]:
    return list(TierSnapshot.objects.order_by("account_id").values_list(*FIELDS))


@pytest.mark.parametrize("thresholds", [{}, TIGHT], ids=["default", "tight"])
def test_the_sql_and_the_python_rules_store_the_same_snapshots(kam1, thresholds):
    needs_postgresql("the SQL path is PostgreSQL's")
    Thresholds.objects.filter(pk=1).update(**thresholds)
    build_portfolio(kam1)
    t = Thresholds.current()

    classify_in_sql(AS_OF, t)
    in_sql = stored()
    TierSnapshot.objects.all().delete()
    classify_in_python(AS_OF, t)
    in_python = stored()

    assert len(in_sql) == 160
    for field, kinds in [("abc", 3), ("xyz", 3), ("nine_box_class", 4), ("status", 4)]:
        assert len({row[FIELDS.index(field)] for row in in_sql}) == kinds, field
    assert [row for row in in_sql if row not in in_python] == []
    assert in_sql == in_python
