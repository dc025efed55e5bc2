"""Demo plans for `seed_demo`: an approved, reviewed plan and a draft per KAM."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import Account

from . import services
from .models import PlanSettings, SectionKind, accounts_needing_plan

TEXTS = {
    SectionKind.INDUSTRY: "Construction demand grows about 4 % a year; two new plants are planned.",
    SectionKind.PRIORITIES_SHORT: "- Cut kiln downtime\n- Lower energy cost per tonne",
    SectionKind.PRIORITIES_LONG: "- Carbon-neutral cement by 2035",
    SectionKind.STRENGTHS: "- Fast local service\n- Strong relationship with the plant manager",
    SectionKind.THREATS: "- A cheaper competitor courts procurement",
}


def seed_plans(*, kam, director) -> int:
    settings = PlanSettings.current()
    year = settings.fiscal_year_of(timezone.localdate())
    accounts = accounts_needing_plan(Account.objects.filter(owner=kam), fiscal_year=year)[:2]
    for number, account in enumerate(accounts):
        plan = services.plan_create(account=account, fiscal_year=year, by=kam)
        for section in plan.sections.filter(kind__in=TEXTS):
            services.section_save(
                section=section, text=TEXTS[section.kind], version=section.version, by=kam
            )
        if number == 0:
            services.plan_update_targets(
                plan=plan,
                data={
                    "opportunities_to_cultivate": 4,
                    "opportunities_to_capture": 2,
                    "contract_value_target": Decimal(3_000_000),
                    "payments_target": Decimal(2_500_000),
                },
                version=plan.version,
                by=kam,
            )
            # Aim one step closer with three people: the dashboard lists the account
            # until they get there.
            for person in account.stakeholders.all()[:3]:
                plan.people.create(
                    stakeholder=person,
                    target_closeness=min(person.relationship_closeness + 1, 5),
                    target_solution=min(person.solution_acceptance + 1, 5),
                    target_price=person.price_acceptance,
                )
            plan.goals.create(name="Revenue, 12 months", unit="USD", target=Decimal(3_000_000))
            services.plan_submit(plan=plan, by=kam)
            services.plan_approve(plan=plan, by=director)
            services.review_record(
                plan=plan,
                quarter=1,
                by=kam,
                customer_changes="Announced a new plant in the north.",
                adjustments="Added the new plant's project team to the people targets.",
            )
    return len(accounts)
