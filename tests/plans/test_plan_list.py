from django.urls import reverse
from django.utils import timezone

from plans.models import PlanSettings, PlanStatus, QuarterlyReview
from plans.services import plan_create
from tests.factories import AccountFactory, StakeholderFactory


def listed(response):
    return [plan.account.name for plan in response.context["plans"]]


def test_it_lists_the_plans_a_user_may_see(client, kam1, kam2, plan, south_account):
    plan_create(account=south_account, fiscal_year=plan.fiscal_year, by=kam2)
    client.force_login(kam1)

    assert listed(client.get(reverse("plans:list"))) == ["Siam Cement"]


def test_it_filters_by_status_team_and_owner(client, director1, plan):
    client.force_login(director1)

    assert listed(client.get(reverse("plans:list"), {"status": "draft", "team": "North"})) == [
        "Siam Cement"
    ]
    assert listed(client.get(reverse("plans:list"), {"status": "approved"})) == []
    assert listed(client.get(reverse("plans:list"), {"owner": "kam2"})) == []


def test_review_due_finds_approved_plans_missing_a_due_review(client, kam1, plan):
    # Put today in the last month of the fiscal year: Q1 to Q3 are due, whatever the date.
    settings = PlanSettings.current()
    settings.fiscal_year_start_month = timezone.localdate().month % 12 + 1
    settings.save()
    plan.fiscal_year = settings.fiscal_year_of(timezone.localdate())
    plan.status = PlanStatus.APPROVED
    plan.save()
    client.force_login(kam1)
    for quarter in (1, 2):
        QuarterlyReview.objects.create(plan=plan, quarter=quarter, reviewed_by=kam1)
    assert listed(client.get(reverse("plans:list"), {"review_due": "1"})) == ["Siam Cement"]

    for quarter in (3, 4):
        QuarterlyReview.objects.create(plan=plan, quarter=quarter, reviewed_by=kam1)
    assert listed(client.get(reverse("plans:list"), {"review_due": "1"})) == []


def test_the_list_and_the_plan_run_a_bounded_number_of_queries(
    client, kam1, plan, account, django_assert_max_num_queries
):
    for index in range(30):
        other = AccountFactory(owner=kam1, name=f"Account {index:02}")
        plan_create(account=other, fiscal_year=plan.fiscal_year, by=kam1)
    for person in StakeholderFactory.create_batch(20, account=account):
        plan.people.create(
            stakeholder=person, target_closeness=4, target_solution=4, target_price=4
        )
    client.force_login(kam1)

    with django_assert_max_num_queries(10):
        assert len(listed(client.get(reverse("plans:list")))) == 25
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200


def test_it_names_the_kams_accounts_that_need_a_plan(client, kam1, kam2, plan, account):
    AccountFactory(owner=kam1, name="Needs one", nine_box_class="A")
    AccountFactory(owner=kam1, name="Class B", nine_box_class="B")
    AccountFactory(owner=kam2, name="Not mine", nine_box_class="A")
    account.nine_box_class = "A"  # has its plan already
    account.save()
    client.force_login(kam1)

    response = client.get(reverse("plans:list"))

    assert [a.name for a in response.context["needing_plan"]] == ["Needs one"]
    html = response.content.decode()
    assert "1 of your class A or C accounts has no plan for FY" in html
    assert "Start the plan for Needs one" in html
