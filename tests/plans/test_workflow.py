import pytest
from django.urls import reverse

from plans.models import PlanRevision, PlanStatus, QuarterlyReview
from tests.plans.conftest import make_ready


def go(client, plan, action, **data):
    return client.post(reverse("plans:transition", args=[plan.pk, action]), data)


def test_a_kam_starts_a_plan_with_every_section(client, kam1, account):
    client.force_login(kam1)

    form = client.get(reverse("plans:create", args=[account.pk])).context["form"]
    year = form["fiscal_year"].value()
    response = client.post(reverse("plans:create", args=[account.pk]), {"fiscal_year": year})

    plan = account.plans.get()
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.sections.count() == 10
    assert plan.status == PlanStatus.DRAFT


def test_the_full_year(client, kam1, director1, plan):
    make_ready(plan)
    client.force_login(kam1)
    go(client, plan, "submit")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    client.force_login(director1)
    go(client, plan, "approve")
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, director1)

    client.force_login(kam1)
    client.post(
        reverse("plans:review_create", args=[plan.pk]),
        {"quarter": 1, "customer_changes": "Merger with a rival", "adjustments": "Add a sponsor"},
    )
    review = QuarterlyReview.objects.get(plan=plan)
    assert review.reviewed_by == kam1
    assert set(review.actuals) >= {"contract_value_signed", "payments_collected"}

    client.force_login(director1)
    client.post(reverse("plans:review_sign_off", args=[plan.pk, 1]))
    go(client, plan, "close")
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.signed_off_by == director1
    assert plan.status == PlanStatus.CLOSED
    assert list(plan.revisions.order_by("pk").values_list("what", flat=True)) == [
        "created", "submitted", "approved", "review_q1", "signed_off_q1", "closed",
    ]  # fmt: skip


def test_a_director_returns_a_plan_with_comments(client, kam1, director1, plan):
    make_ready(plan)
    client.force_login(kam1)
    go(client, plan, "submit")
    client.force_login(director1)

    go(client, plan, "return", comment="")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # a return needs comments

    go(client, plan, "return", comment="Add the CFO as a target")
    plan.refresh_from_db()
    assert (plan.status, plan.return_comment) == (PlanStatus.DRAFT, "Add the CFO as a target")


@pytest.mark.parametrize("action", ["approve", "return", "close"])
def test_a_kam_cannot_approve_return_or_close(client, kam1, plan, action):
    make_ready(plan)
    client.force_login(kam1)
    go(client, plan, "submit")

    response = go(client, plan, action, comment="x")

    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_director_cannot_write_the_plan(client, director1, plan):
    client.force_login(director1)

    assert go(client, plan, "submit").status_code == 404
    section = plan.sections.first()
    response = client.post(
        reverse("plans:section", args=[plan.pk, section.kind]), {"text": "x", "version": 1}
    )
    assert response.status_code == 404


def test_transitions_are_refused_from_the_wrong_state(client, kam1, director1, plan):
    client.force_login(director1)

    go(client, plan, "approve")  # still a draft

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize("user_fixture", ["kam2", "director2"])
def test_everyone_else_gets_404(client, request, plan, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("plans:history", args=[plan.pk])).status_code == 404
    assert go(client, plan, "submit").status_code == 404
    assert not PlanRevision.objects.exclude(what="created").exists()


def test_transitions_need_post(client, kam1, plan):
    client.force_login(kam1)

    assert client.get(reverse("plans:transition", args=[plan.pk, "submit"])).status_code == 405


def test_start_from_last_years_plan(client, kam1, director1, plan, account):
    section = plan.sections.get(kind="industry")
    section.text = "Cement demand grows 4 % a year."
    section.save()
    plan.status = PlanStatus.CLOSED
    plan.fiscal_year -= 1
    plan.save()
    client.force_login(kam1)

    client.post(
        reverse("plans:create", args=[account.pk]),
        {"copy": "1", "fiscal_year": plan.fiscal_year + 1},
    )

    new = account.plans.get(fiscal_year=plan.fiscal_year + 1)
    assert new.sections.get(kind="industry").text == "Cement demand grows 4 % a year."
    assert new.status == PlanStatus.DRAFT


def test_a_plan_whose_owner_has_no_team_awaits_an_admin(client, kam1, director1, admin, plan):
    make_ready(plan)
    client.force_login(kam1)
    go(client, plan, "submit")
    kam1.team = None
    kam1.save(update_fields=["team"])

    client.force_login(director1)
    assert go(client, plan, "approve").status_code == 404
    client.force_login(admin)
    go(client, plan, "approve")

    plan.refresh_from_db()
    assert plan.approved_by == admin


def test_a_plan_can_be_started_for_next_year_from_this_years(client, kam1, plan, account):
    """In December the KAM plans the coming year: next year is offered beside this one
    (which has its plan), and the new plan starts from this year's."""
    section = plan.sections.get(kind="industry")
    section.text = "Cement demand grows 4 % a year."
    section.save()
    client.force_login(kam1)

    page = client.get(reverse("plans:create", args=[account.pk]))
    offered = [value for value, _ in page.context["form"].fields["fiscal_year"].choices]
    assert offered == [plan.fiscal_year + 1]
    assert page.context["existing"] == [plan]

    client.post(
        reverse("plans:create", args=[account.pk]),
        {"fiscal_year": plan.fiscal_year + 1, "copy": "1"},
    )

    new = account.plans.get(fiscal_year=plan.fiscal_year + 1)
    assert new.sections.get(kind="industry").text == "Cement demand grows 4 % a year."
    # With both years planned, the page goes to this year's plan.
    response = client.get(reverse("plans:create", args=[account.pk]))
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])


def test_a_year_outside_this_and_next_is_refused(client, kam1, account):
    client.force_login(kam1)

    response = client.post(reverse("plans:create", args=[account.pk]), {"fiscal_year": 2001})

    assert response.status_code == 200
    assert response.context["form"].errors["fiscal_year"]
    assert not account.plans.exists()


def test_approving_keeps_the_directors_comment(client, kam1, director1, plan):
    make_ready(plan)
    client.force_login(kam1)
    go(client, plan, "submit")
    client.force_login(director1)

    go(client, plan, "approve", comment="  Good plan; watch the Q3 tender.  ")

    approval = plan.revisions.get(what="approved")
    assert approval.text == "Good plan; watch the Q3 tender."
    history = client.get(reverse("plans:history", args=[plan.pk])).content.decode()
    assert "Good plan; watch the Q3 tender." in history


def test_an_unready_plan_is_not_submitted_and_says_what_it_lacks(client, kam1, plan):
    client.force_login(kam1)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'data-testid="checklist"' in page

    response = go(client, plan, "submit")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    shown = client.get(response["Location"]).content.decode()
    assert "Not ready to submit" in shown
    assert "At least one goal has a target" in shown

    make_ready(plan)
    go(client, plan, "submit")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
