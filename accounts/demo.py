"""A believable demo portfolio for `seed_demo`: groups, people, deals and two years of
revenue with regular, sporadic, declining, lost and prospect customers."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .models import (
    Account,
    AccountCompetitor,
    Activity,
    Attitude,
    BuyingCentre,
    BuyingCentreMember,
    BuyingRole,
    Commitment,
    Competitor,
    Currency,
    ExchangeRate,
    InfluenceLink,
    Opportunity,
    OpportunityStage,
    OpportunityType,
    ProductLine,
    RevenueLine,
    Seniority,
    Stakeholder,
)
from .periods import add_months

# Rough value of one unit in US dollars, for demo exchange rates only.
USD_VALUE = {
    "USD": "1",
    "EUR": "1.08",
    "THB": "0.028",
    "VND": "0.00004",
    "PLN": "0.25",
    "RUB": "0.011",
}
PRODUCT_LINES = ["Cement additives", "Logistics services", "Maintenance contracts", "Spare parts"]
COMPETITORS = ["Apex Industrial", "Holcim Services", "Nordic Supply", "Saigon Tech"]

# (name, currency, monthly revenue in that currency, pattern, units of the group)
PORTFOLIOS = {
    "North": [
        ("Siam Cement Group", "THB", 9_000_000, "regular", ["SCG Paper", "SCG Chemicals"]),
        ("Chao Phraya Logistics", "THB", 2_500_000, "regular", []),
        ("Bangkok Glass", "THB", 4_000_000, "declining", ["Bangkok Glass Packaging"]),
        ("Lanna Foods", "THB", 1_200_000, "sporadic", []),
        ("Eastern Seaboard Steel", "THB", 6_000_000, "lost", []),
        ("Krung Thai Energy", "THB", 0, "prospect", []),
        ("Phuket Resorts", "THB", 800_000, "regular", []),
        ("Isan Sugar", "THB", 1_500_000, "sporadic", []),
        ("Thai Auto Parts", "THB", 3_200_000, "regular", []),
        ("Mekong Pharma", "THB", 0, "prospect", []),
    ],
    "South": [
        ("Vina Cement Corporation", "VND", 9_000_000_000, "regular", ["Vina Cement Ha Long"]),
        ("Saigon Port Services", "VND", 3_500_000_000, "declining", []),
        ("Hanoi Steel", "VND", 6_000_000_000, "regular", []),
        ("Da Nang Textiles", "VND", 1_200_000_000, "sporadic", []),
        ("Polska Cement", "PLN", 600_000, "regular", ["Polska Cement Kraków"]),
        ("Gdańsk Shipyards", "PLN", 400_000, "lost", []),
        ("Wrocław Chemicals", "PLN", 0, "prospect", []),
        ("Mekong Rice Export", "VND", 2_000_000_000, "regular", []),
        ("Łódź Logistics", "PLN", 150_000, "sporadic", []),
        ("Hue Ceramics", "VND", 0, "prospect", []),
    ],
}
PEOPLE = [
    # (title, department, level, buying role, reports to index)
    ("Chief executive", "Board", Seniority.OWNER, BuyingRole.DECISION_MAKER, None),
    ("Chief financial officer", "Finance", Seniority.EXECUTIVE, BuyingRole.ECONOMIC_BUYER, 0),
    ("Head of procurement", "Procurement", Seniority.MANAGEMENT, BuyingRole.GATEKEEPER, 1),
    ("Plant manager", "Operations", Seniority.MANAGEMENT, BuyingRole.TECHNICAL_EVALUATOR, 0),
    ("Maintenance engineer", "Operations", Seniority.OPERATIONAL, BuyingRole.USER, 3),
    ("Buyer", "Procurement", Seniority.OPERATIONAL, BuyingRole.INFLUENCER, 2),
]
FIRST_NAMES = ["Anan", "Malee", "Somchai", "Lan", "Tuan", "Minh", "Agnieszka", "Piotr", "Kasia"]
LAST_NAMES = ["Srisuk", "Wongsa", "Nguyen", "Tran", "Le", "Kowalski", "Nowak", "Zielinska"]


def set_demo_rates() -> None:
    base_in_usd = Decimal(USD_VALUE.get(settings.KAMCRM_BASE_CURRENCY, "1"))
    now = timezone.now()
    for code, usd in USD_VALUE.items():
        rate = Decimal(usd) / base_in_usd
        if (
            Currency.objects.filter(code=code, rate_to_base__isnull=True).update(
                rate_to_base=rate, rate_updated_at=now
            )
            and code != settings.KAMCRM_BASE_CURRENCY
        ):
            ExchangeRate.objects.get_or_create(
                currency_id=code, valid_from=timezone.localdate(), defaults={"rate": rate}
            )


def seed_portfolio(*, kam, team_name: str, today: date) -> int:
    """Create the team's demo accounts owned by `kam`; accounts that exist are left alone."""
    rng = random.Random(team_name)
    set_demo_rates()
    lines = [ProductLine.objects.get_or_create(name=name)[0] for name in PRODUCT_LINES]
    rivals = [Competitor.objects.get_or_create(name=name)[0] for name in COMPETITORS]
    stages = list(OpportunityStage.objects.all())
    created = 0
    for number, (name, currency, base_monthly, pattern, units) in enumerate(PORTFOLIOS[team_name]):
        # Sized so the default thresholds (10 M a year is high) spread the demo over A-D.
        monthly = base_monthly * (4 if number < 3 else 2)
        external_id = f"DEMO-{team_name[0]}{number:02}"
        if Account.objects.filter(external_id=external_id).exists():
            continue
        account = Account.objects.create(
            name=name,
            external_id=external_id,
            owner=kam,
            currency_id=currency,
            country={"THB": "Thailand", "VND": "Vietnam", "PLN": "Poland"}[currency],
            industry=rng.choice(["Cement", "Logistics", "Manufacturing", "Food", "Energy"]),
            potential=Decimal(monthly * 12 * rng.choice([1.5, 2, 3]) or 5_000_000),
            account_type="prospect"
            if pattern == "prospect"
            else rng.choice(["breadwinner", "image", "expert", "breadwinner"]),
            is_strategic=number < 2,
            employees=rng.randrange(200, 20_000, 100),
            description=f"{name} is a long-standing {team_name} region customer.",
            history="2024: won the maintenance tender on service quality.\n"
            "2025: lost spare parts to a cheaper offer.",
        )
        created += 1
        _revenue(account, monthly, pattern, today, rng, lines)
        people = _people(account, rng, supporter_at_top=number % 4 != 2)
        _deals(account, kam, stages, lines, rivals, people, today, rng)
        _contact(account, kam, people, today, rng, stale=pattern in ("lost", "sporadic"))
        for unit_number, unit in enumerate(units):
            child = Account.objects.create(
                name=unit,
                external_id=f"{external_id}-{unit_number + 1}",
                parent=account,
                owner=kam,
                currency_id=currency,
                country=account.country,
                industry=account.industry,
                potential=(account.potential or 0) / 3,
            )
            created += 1
            _revenue(child, monthly // 4, "sporadic", today, rng, lines)
    return created


def _revenue(account, monthly, pattern, today, rng, lines) -> None:
    if not monthly:
        return
    rows = []
    for back in range(24, 0, -1):
        month = add_months(today, -back)
        if pattern == "sporadic" and rng.random() < 0.6:
            continue
        if pattern == "lost" and back <= 8:
            continue
        scale = 0.4 if pattern == "declining" and back <= 12 else 1.0
        amount = Decimal(round(monthly * scale * rng.uniform(0.8, 1.2)))
        rows.append(
            RevenueLine(
                account=account,
                date=month + timedelta(days=rng.randrange(0, 27)),
                amount=amount,
                currency_id=account.currency_id,
                product_line=rng.choice(lines),
                external_ref=f"{account.external_id}-{month:%Y%m}",
            )
        )
    RevenueLine.objects.bulk_create(rows)


def _people(account, rng, *, supporter_at_top: bool) -> list[Stakeholder]:
    people: list[Stakeholder] = []
    for index, (title, department, level, role, boss) in enumerate(PEOPLE):
        if index == 0:
            attitude = Attitude.SUPPORTER if supporter_at_top else Attitude.OPPONENT
        else:
            attitude = rng.choice([Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.OPPONENT])
        people.append(
            Stakeholder.objects.create(
                account=account,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                title=title,
                department=department,
                level=level,
                buying_role=role,
                attitude=attitude,
                reports_to=people[boss] if boss is not None else None,
                relationship_closeness=rng.randint(1, 5),
                solution_acceptance=rng.randint(2, 5),
                price_acceptance=rng.randint(1, 4),
                relationship_holder=account.owner,
                relationship_strength=rng.randint(1, 5),
            )
        )
    InfluenceLink.objects.create(source=people[4], target=people[1], strength=4)
    InfluenceLink.objects.create(source=people[5], target=people[3], strength=2)
    return people


def _deals(account, kam, stages, lines, rivals, people, today, rng) -> None:
    for index in range(rng.randint(2, 4)):
        stage = stages[(index + account.pk) % len(stages)]
        opportunity = Opportunity.objects.create(
            account=account,
            name=f"{rng.choice(lines).name} {today.year + index % 2}",
            stage=stage,
            amount=Decimal(rng.randrange(50_000, 900_000, 10_000)) * 30,
            currency_id=account.currency_id,
            probability=stage.default_probability,
            expected_close=today + timedelta(days=rng.randrange(-60, 240)),
            opportunity_type=rng.choice(list(OpportunityType)),
            product_line=rng.choice(lines),
            owner=kam,
            close_reason="Price" if stage.outcome == "lost" else "",
        )
        opportunity.competitors.add(rng.choice(rivals))
        if index == 0:
            centre = BuyingCentre.objects.create(
                account=account, name=f"Decision on {opportunity.name}", opportunity=opportunity
            )
            for person in people[:4]:
                BuyingCentreMember.objects.create(
                    buying_centre=centre, stakeholder=person, role=person.buying_role
                )
    AccountCompetitor.objects.create(
        account=account, competitor=rng.choice(rivals), position="Incumbent for spare parts"
    )


def _contact(account, kam, people, today, rng, *, stale: bool) -> None:
    start = 100 if stale else 5
    for back in range(start, start + 90, 30):
        activity = Activity.objects.create(
            account=account,
            kind=rng.choice(["meeting", "call", "visit", "entertainment"]),
            date=today - timedelta(days=back),
            summary="Reviewed delivery performance and next year's volumes.",
            next_step="Send a proposal for the maintenance contract.",
            created_by=kam,
        )
        activity.stakeholders.add(*rng.sample(people, 2))
        activity.our_people.add(kam)
    Commitment.objects.create(
        account=account,
        what="Send the revised price list",
        due=today + timedelta(days=rng.randrange(-20, 30)),
        owner=kam,
    )
