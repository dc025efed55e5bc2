from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import Opportunity, ProductLine
from plans.models import PlanStatus, WhitespaceCell
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    RevenueLineFactory,
    StakeholderFactory,
)
from tests.plans.conftest import make_ready


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_people_targets_are_snapshotted_at_approval(client, kam1, director1, plan, account):
    anan = StakeholderFactory(
        account=account, department="Board", relationship_closeness=2, solution_acceptance=3,
        price_acceptance=1,
    )  # fmt: skip
    client.force_login(kam1)
    client.post(
        reverse("plans:rows", args=[plan.pk, "people"]),
        formset(
            "people",
            [
                {
                    "stakeholder": anan.pk,
                    "target_closeness": 4,
                    "target_solution": 4,
                    "target_price": 4,
                }
            ],
        ),
    )
    make_ready(plan)
    client.post(reverse("plans:transition", args=[plan.pk, "submit"]))
    client.force_login(director1)
    client.post(reverse("plans:transition", args=[plan.pk, "approve"]))
    anan.relationship_closeness = 5  # the relationship improves after approval
    anan.save()

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    row = response.context["people"]["rows"][0]
    assert (row.closeness_at_approval, row.overall_at_approval) == (2, 2.0)
    assert response.context["people"]["departments"] == [("Board", 3.0, 4.0)]


def test_people_are_chosen_from_the_account_only(client, kam1, plan, south_account):
    outsider = StakeholderFactory(account=south_account)
    client.force_login(kam1)

    response = client.post(
        reverse("plans:rows", args=[plan.pk, "people"]),
        formset(
            "people",
            [
                {
                    "stakeholder": outsider.pk,
                    "target_closeness": 4,
                    "target_solution": 4,
                    "target_price": 4,
                }
            ],
        ),
    )

    assert response.status_code == 200
    assert not plan.people.exists()


def test_actions_are_kept_up_during_the_year_and_flagged_when_overdue(client, kam1, plan):
    plan.status = PlanStatus.APPROVED
    plan.save()
    client.force_login(kam1)
    yesterday = timezone.localdate() - timedelta(days=1)

    client.post(
        reverse("plans:rows", args=[plan.pk, "actions"]),
        formset(
            "actions",
            [{"what": "Meet the CFO", "owner": kam1.pk, "due": yesterday, "status": "open"}],
        ),
    )

    assert plan.actions.get().what == "Meet the CFO"
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "overdue</strong>" in html


def test_goals_record_target_and_actual(client, kam1, plan):
    client.force_login(kam1)

    client.post(
        reverse("plans:rows", args=[plan.pk, "goals"]),
        formset("goals", [{"name": "Retention", "unit": "%", "target": "95", "actual": "97"}]),
    )

    goal = plan.goals.get()
    assert (goal.target, goal.actual) == (Decimal("95"), Decimal("97"))
    assert plan.revisions.filter(what="goals").exists()


def test_the_whitespace_map_shows_the_group_by_product_line(client, kam1, plan, account):
    unit = AccountFactory(owner=kam1, parent=account, name="SCG Paper")
    additives = ProductLine.objects.create(name="Additives")
    logistics = ProductLine.objects.create(name="Logistics")
    RevenueLineFactory(account=account, product_line=additives, amount=Decimal("300"))
    OpportunityFactory(account=unit, product_line=logistics, amount=Decimal("80"))
    client.force_login(kam1)

    grid = client.get(reverse("plans:whitespace", args=[plan.pk])).context["grid"]

    cells = {(c["unit"].name, c["line"].name): c for _, row in grid["rows"] for c in row}
    assert cells["Siam Cement", "Additives"]["revenue"] == Decimal("300")
    assert cells["SCG Paper", "Logistics"]["pipeline"] == Decimal("80")
    assert cells["SCG Paper", "Additives"]["revenue"] == 0


def test_a_potential_cell_becomes_a_cross_sell_opportunity(client, kam1, plan, account):
    unit = AccountFactory(owner=kam1, parent=account, name="SCG Paper")
    line = ProductLine.objects.create(name="Additives")
    client.force_login(kam1)

    client.post(
        reverse("plans:whitespace_cell", args=[plan.pk, unit.pk, line.pk]),
        {"mark": "potential", "note": "Kiln additives"},
    )
    response = client.post(
        reverse("plans:whitespace_opportunity", args=[plan.pk, unit.pk, line.pk])
    )

    assert WhitespaceCell.objects.get().note == "Kiln additives"
    deal = Opportunity.objects.get()
    assert (deal.account, deal.product_line, deal.opportunity_type) == (unit, line, "cross_sell")
    assert response["Location"] == reverse("accounts:opportunity_update", args=[unit.pk, deal.pk])


def test_whitespace_of_another_teams_unit_answers_404(client, kam1, plan, south_account):
    line = ProductLine.objects.create(name="Additives")
    client.force_login(kam1)

    response = client.post(
        reverse("plans:whitespace_opportunity", args=[plan.pk, south_account.pk, line.pk])
    )

    assert response.status_code == 404
    assert not Opportunity.objects.exists()


def test_cross_sell_needs_a_unit_of_the_group_the_user_may_change(client, kam1, plan, north):
    from kamcrm.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.KAM, team=north)
    outside_group = AccountFactory(owner=kam1, name="Not in the group")
    colleagues_unit = AccountFactory(owner=colleague, parent=plan.account, name="Colleague's unit")
    line = ProductLine.objects.create(name="Additives")
    client.force_login(kam1)

    for unit in (outside_group, colleagues_unit):
        response = client.post(
            reverse("plans:whitespace_opportunity", args=[plan.pk, unit.pk, line.pk])
        )
        assert response.status_code == 404, unit

    assert not Opportunity.objects.exists()


def test_the_action_list_reads_its_owner_choices_once(client, kam1, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kam1)
    url = reverse("plans:rows", args=[plan.pk, "actions"])
    due = timezone.localdate()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        for n in range(8):
            plan.actions.create(what=f"Step {n}", owner=kam1, due=due)

    assert counts[1] == counts[0]  # eight more rows, no more queries


def test_people_targets_of_an_approved_plan_are_refused_with_the_reason(client, kam1, plan):
    plan.status = PlanStatus.APPROVED
    plan.save()
    client.force_login(kam1)

    response = client.get(reverse("plans:rows", args=[plan.pk, "people"]), follow=True)

    assert response.redirect_chain == [(reverse("plans:detail", args=[plan.pk]), 302)]
    assert "Not possible while the plan is Approved." in response.content.decode()
