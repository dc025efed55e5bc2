from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from kamcrm.models import Notification
from plans.models import PlanStatus, QuarterlyReview
from plans.reminders import send_plan_reminders
from plans.tasks import send_plan_reminders as reminders_task
from tests.factories import AccountFactory
from tests.needs import skip_or_fail


@pytest.fixture
def approved(plan):
    plan.fiscal_year = 2026
    plan.status = PlanStatus.APPROVED
    plan.save()
    return plan


def test_the_owner_is_reminded_once_before_a_review_falls_due(approved, kam1):
    assert send_plan_reminders(today=date(2026, 3, 16)) == 0  # 15 days before 31 March

    assert send_plan_reminders(today=date(2026, 3, 17)) == 1
    assert send_plan_reminders(today=date(2026, 3, 17)) == 0  # a second beat
    assert send_plan_reminders(today=date(2026, 3, 25)) == 0

    assert [m.to for m in mail.outbox] == [[kam1.email]]
    notification = Notification.objects.get()
    assert notification.user == kam1
    assert "Q1" in notification.message


def test_the_director_is_told_once_when_a_review_is_overdue(approved, kam1, director1):
    send_plan_reminders(today=date(2026, 3, 20))
    assert send_plan_reminders(today=date(2026, 4, 6)) == 0  # 6 days overdue

    assert send_plan_reminders(today=date(2026, 4, 7)) == 1
    assert send_plan_reminders(today=date(2026, 4, 8)) == 0

    assert [m.to for m in mail.outbox] == [[kam1.email], [director1.email]]


def test_a_plan_of_two_years_ago_left_approved_raises_nothing(approved, kam1, director1):
    """Its reviews fell due long before; the daily job looks at this and last year's plans
    (last year's fourth review falls due at the year's end)."""
    assert send_plan_reminders(today=date(2028, 1, 10)) == 0  # FY 2026, never reviewed

    approved.fiscal_year = 2027
    approved.save()
    assert send_plan_reminders(today=date(2028, 1, 10)) == 4  # FY 2027: all four overdue


def test_a_reviewed_quarter_needs_no_reminder(approved, kam1):
    QuarterlyReview.objects.create(plan=approved, quarter=1, reviewed_by=kam1)

    assert send_plan_reminders(today=date(2026, 3, 20)) == 0
    assert send_plan_reminders(today=date(2026, 4, 20)) == 0


def test_a_key_account_without_a_plan_is_reported_in_the_second_month(kam1, director1):
    AccountFactory(owner=kam1, name="No plan", nine_box_class="C")
    AccountFactory(owner=kam1, name="Class D", nine_box_class="D")

    assert send_plan_reminders(today=date(2026, 1, 31)) == 0
    assert send_plan_reminders(today=date(2026, 2, 1)) == 1
    assert send_plan_reminders(today=date(2026, 2, 2)) == 0

    assert Notification.objects.get().user == director1
    assert "No plan" in mail.outbox[0].subject


def test_the_command_runs_the_same_code(approved):
    out = StringIO()

    call_command("send_plan_reminders", "--today", "2026-03-20", stdout=out)
    call_command("send_plan_reminders", "--today", "2026-03-20", stdout=out)

    assert out.getvalue().splitlines() == ["1 reminders sent.", "0 reminders sent."]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once(kam1, worker_queue):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL): the worker shares the database")
    from plans.models import PlanSettings
    from plans.services import plan_create

    account = AccountFactory(owner=kam1)
    PlanSettings.current()
    plan = plan_create(account=account, fiscal_year=2026, by=kam1)
    plan.status = PlanStatus.APPROVED
    plan.save()

    first = reminders_task.apply_async(args=["2026-03-20"], queue=worker_queue)
    second = reminders_task.apply_async(args=["2026-03-20"], queue=worker_queue)

    assert sorted([first.get(timeout=60), second.get(timeout=60)]) == [0, 1]
    assert Notification.objects.filter(user=kam1, kind="review_due").count() == 1
