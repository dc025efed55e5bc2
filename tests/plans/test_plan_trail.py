"""The plan's Audit trail: field-level changes of the plan, its goals, actions and people."""

from datetime import date

from django.urls import reverse

from plans.models import PlanAction
from tests.audit import changed, rows
from tests.factories import StakeholderFactory
from tests.needs import needs_postgresql
from tests.plans.conftest import make_ready


def trail(client, plan, **query):
    return client.get(reverse("plans:trail", args=[plan.pk]), query)


def test_it_shows_goal_and_action_changes_with_labels(client, kam1, plan):
    goal = plan.goals.create(name="Revenue", unit="USD", target=100)
    action = PlanAction.objects.create(
        plan=plan, what="Meet the CFO", owner=kam1, due=date(2027, 1, 31)
    )
    changed(goal, target=150)
    changed(action, status="done")
    client.force_login(kam1)

    shown = [r[1:] for r in rows(trail(client, plan))]

    assert ("Action", "Meet the CFO", ["Status: Open → Done"]) in shown
    assert ("Goal", "Revenue", ["Target: 100.00 → 150.00"]) in shown


def test_a_kam_of_another_team_gets_404(client, kam2, plan):
    client.force_login(kam2)

    assert trail(client, plan).status_code == 404


def test_the_plan_page_links_to_it(client, kam1, plan):
    client.force_login(kam1)

    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()

    assert reverse("plans:trail", args=[plan.pk]) in page


def test_it_runs_a_bounded_number_of_queries(
    client, kam1, plan, account, django_assert_max_num_queries
):
    for n in range(8):
        changed(plan.goals.create(name=f"Goal {n}", target=n), target=n + 1)
        changed(
            PlanAction.objects.create(plan=plan, what=f"Do {n}", owner=kam1, due=date(2027, 1, 1)),
            owner=kam1,
            status="dropped",
        )
        person = StakeholderFactory(account=account)
        changed(
            plan.people.create(
                stakeholder=person, target_closeness=3, target_solution=3, target_price=3
            ),
            target_closeness=5,
        )
    client.force_login(kam1)

    with django_assert_max_num_queries(20):
        response = trail(client, plan)

    assert len(rows(response)) == 25


def test_a_transition_through_the_app_names_the_user(client, kam1, plan):
    needs_postgresql("the trail is written by PostgreSQL triggers")
    client.force_login(kam1)

    make_ready(plan)
    response = client.post(reverse("plans:transition", args=[plan.pk, "submit"]))
    assert response.status_code == 302

    assert rows(trail(client, plan))[0] == (
        str(kam1),
        "Plan, FY",
        str(plan.fiscal_year),
        ["Status: Draft → Submitted"],
    )
