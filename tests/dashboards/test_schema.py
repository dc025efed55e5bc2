"""The stored figures are what schema.py says they are: every key typed, nothing extra,
and amounts and dates come back from the database as the types the widgets compute with."""

import typing
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Commitment
from dashboards import store
from dashboards.figures import compute
from dashboards.models import PortfolioFigures
from dashboards.schema import Figures
from plans.models import PlanSettings


def problems(value, kind, path="figures") -> list[str]:
    """Where `value` is not of the (TypedDict, list, dict or scalar) type `kind`."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if typing.is_typeddict(kind):
        hints = typing.get_type_hints(kind)
        found = [f"{path}: missing {key}" for key in kind.__required_keys__ - set(value)]
        found += [f"{path}: {key} is not in the schema" for key in set(value) - set(hints)]
        for key in set(value) & set(hints):
            found += problems(value[key], hints[key], f"{path}.{key}")
        return found
    if origin is list:
        return [p for i, item in enumerate(value) for p in problems(item, args[0], f"{path}[{i}]")]
    if origin is dict:
        return [p for k, item in value.items() for p in problems(item, args[1], f"{path}[{k}]")]
    allowed = tuple(a for a in args if a is not type(None)) if args else (kind,)
    if value is None and type(None) in args:
        return []
    if isinstance(value, bool) or not isinstance(value, allowed):
        return [f"{path}: {value!r} is not {kind}"]
    return []


def test_the_figures_a_kam_stores_match_the_schema(kam1, portfolio):
    today = timezone.localdate()
    Commitment.objects.create(
        account=portfolio["big"], what="Quote", due=today - timedelta(days=1), owner=kam1
    )
    year = PlanSettings.current().fiscal_year_of(today)

    computed = compute(
        portfolio["big"].__class__.objects.filter(owner=kam1),
        fiscal_year=year,
        today=today,
        settings=PlanSettings.current(),
    )
    store.refresh(kam1, fiscal_year=year, today=today)
    stored = PortfolioFigures.objects.get(owner=kam1).figures

    assert computed["lists"]["at_risk"]
    assert computed["lists"]["commitments_due"]
    assert problems(computed, Figures) == []
    # Read back from the JSON column: amounts and dates revived, owners' ids as text.
    assert problems(
        {**stored, **{k: {int(o): v for o, v in stored[k].items()} for k in Figures.__annotations__
         if k not in ("groups", "lists")}},
        Figures,
    ) == []  # fmt: skip
    assert isinstance(stored["groups"][0]["revenue"], Decimal)
    assert isinstance(stored["lists"]["commitments_due"][0]["due"], date)


def test_the_checker_finds_a_key_outside_the_schema():
    assert problems({"owner_id": 1, "extra": 2}, typing.TypedDict("T", {"owner_id": int})) == [
        "figures: extra is not in the schema"
    ]
