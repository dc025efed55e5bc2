"""Daily plan reminders, each sent exactly once however often the job runs."""

from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Account
from accounts.periods import add_months
from kamcrm.models import Notification

from .models import (
    AccountPlan,
    PlanSettings,
    PlanStatus,
    Reminder,
    ReminderKind,
    accounts_needing_plan,
)


def _claim(account_id: int, fiscal_year: int, quarter: int, kind: str) -> bool:
    """Insert the reminder's row; only the caller whose insert succeeds sends it."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                account_id=account_id, fiscal_year=fiscal_year, quarter=quarter, kind=kind
            )
    except IntegrityError:
        return False
    return True


def _tell(user, url: str, kind: str, data: dict) -> None:
    """A notification, and an email worded as it is (plans/notifications.py), in the
    recipient's language."""
    notification = Notification.objects.create(user=user, kind=kind, url=url, data=data)
    if user.email:
        with translation.override(user.preferred_language):
            subject = notification.message
        send_mail(subject, f"{subject}\n\n{url}", None, [user.email])


def send_plan_reminders(*, today: date) -> int:
    """Remind owners of reviews falling due, tell directors of overdue reviews and of
    class A and C accounts with no plan by the fiscal year's second month."""
    settings = PlanSettings.current()
    year = settings.fiscal_year_of(today)
    # What went out on earlier days, read once: claiming it again would be a failed
    # insert (and a database error logged) per reminder and per day.
    already = set(
        Reminder.objects.filter(fiscal_year__gte=year - 1).values_list(
            "account_id", "fiscal_year", "quarter", "kind"
        )
    )

    def claim(*key) -> bool:
        return key not in already and _claim(*key)

    sent = 0
    # Last year's too: its fourth review falls due at the year's end. Older plans left
    # approved had their reminders when they were due.
    plans = (
        AccountPlan.objects.filter(status=PlanStatus.APPROVED, fiscal_year__gte=year - 1)
        .select_related("account__owner__team__director")
        .prefetch_related("reviews")
    )
    for plan in plans:
        reviewed = {review.quarter for review in plan.reviews.all()}
        url = reverse("plans:detail", args=[plan.pk])
        director = plan.account.director
        for quarter in range(1, 5):
            if quarter in reviewed:
                continue
            due = settings.quarter_end(plan.fiscal_year, quarter)
            data = {"plan": str(plan), "quarter": quarter, "due": due.isoformat()}
            soon = due - timedelta(days=settings.remind_days_before_review) <= today <= due
            late = today >= due + timedelta(days=settings.escalate_days_after_review)
            if soon and claim(plan.account_id, plan.fiscal_year, quarter, ReminderKind.REVIEW_DUE):
                _tell(
                    plan.account.owner,
                    url,
                    "review_due",
                    data,
                )
                sent += 1
            if (
                late
                and director
                and claim(plan.account_id, plan.fiscal_year, quarter, ReminderKind.REVIEW_OVERDUE)
            ):
                _tell(
                    director,
                    url,
                    "review_overdue",
                    data,
                )
                sent += 1
    if today >= add_months(settings.year_start(year), 1):
        missing = accounts_needing_plan(Account.objects.all(), fiscal_year=year).select_related(
            "owner__team__director"
        )
        for account in missing:
            director = account.director
            if director and claim(account.pk, year, 0, ReminderKind.PLAN_MISSING):
                data = {"account": account.name, "year": year}
                _tell(
                    director,
                    reverse("accounts:detail", args=[account.pk]),
                    "plan_missing",
                    data,
                )
                sent += 1
    return sent
