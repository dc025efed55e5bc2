"""Six people doing the same thing at the same moment: one wins, the others get a clear
answer, nobody a 500 (PostgreSQL, real concurrent connections)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from plans import services
from plans.models import AccountPlan, PlanSettings, PlanStatus, QuarterlyReview
from tests.factories import AccountFactory
from tests.needs import needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
AT_ONCE = 6


def at_once(work) -> list[str]:
    """Runs `work` in AT_ONCE threads released together; what each ended with."""
    start, results = threading.Barrier(AT_ONCE), []

    def run():
        try:
            start.wait(5)
            results.append(work())
        except ValidationError as refused:
            results.append(type(refused).__name__)
        except Exception as error:  # what the test is about: none may escape
            results.append(f"ERROR {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(results)


def test_six_people_starting_the_same_plan_get_one_plan(kam1):
    needs_postgresql("six connections insert at once")
    account = AccountFactory(owner=kam1)
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())

    def start():
        services.plan_create(account=account, fiscal_year=year, by=kam1)
        return "created"

    results = at_once(start)

    assert results == ["PlanExists"] * (AT_ONCE - 1) + ["created"]
    assert AccountPlan.objects.filter(account=account).count() == 1


def test_six_reviews_of_one_quarter_record_one(kam1):
    needs_postgresql("six connections insert at once")
    account = AccountFactory(owner=kam1)
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    plan = services.plan_create(account=account, fiscal_year=year, by=kam1)
    AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)

    def review():
        services.review_record(
            plan=AccountPlan.objects.get(pk=plan.pk),
            quarter=1,
            by=kam1,
            customer_changes="New CFO",
            adjustments="",
        )
        return "recorded"

    results = at_once(review)

    assert results == ["ValidationError"] * (AT_ONCE - 1) + ["recorded"]
    assert QuarterlyReview.objects.filter(plan=plan).count() == 1
