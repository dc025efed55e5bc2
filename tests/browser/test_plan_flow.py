import pytest
from playwright.sync_api import expect

from plans.models import AccountPlan
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()


def test_a_plan_goes_from_draft_to_its_first_review(page, live_server, kam1, director1):
    account = AccountFactory(name="Siam Cement", owner=kam1)

    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    page.get_by_role("link", name="Account plan").click()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Draft")
    page.wait_for_load_state()  # htmx is bound once the page has loaded
    page.get_by_test_id("edit-industry").click()  # edited in place (test_plan_page.py)
    page.get_by_role("textbox", name="Industry and customer analysis").fill(
        "Cement demand in Thailand grows 4 % a year."
    )
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Cement demand in Thailand grows 4 % a year.")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("checklist")).to_contain_text("(needed to submit)")
    # The checklist's other needs, set directly: their pages have tests of their own.
    plan = AccountPlan.objects.get(account=account)
    AccountPlan.objects.filter(pk=plan.pk).update(strategy="retain")
    plan.goals.create(name="Revenue", unit="USD", target=1000)
    page.reload()
    asked: list[str] = []
    answer = {"yes": True}  # what the next question is answered
    page.on(
        "dialog",
        lambda dialog: (
            asked.append(dialog.message),
            dialog.accept() if answer["yes"] else dialog.dismiss(),
        ),
    )
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Submitted")
    assert asked[-1].startswith("Submit this plan for approval?")
    plan_url = page.url
    sign_out(page)

    sign_in(page, live_server, "director1", PASSWORD)
    page.goto(plan_url)
    # Returning asks first too; answered no, the plan stays where it was.
    page.get_by_label("Return to the owner with comments").fill("Add the logistics arm.")
    answer["yes"] = False
    page.get_by_role("button", name="Return to draft").click()
    assert asked[-1].startswith("Return this plan to its owner as a draft")
    expect(page.get_by_test_id("plan-status")).to_have_text("Submitted")
    answer["yes"] = True
    page.get_by_label("Approve, with a comment for the owner (optional)").fill("Go for it.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Approved")
    assert asked[-1].startswith("Approve this plan?")
    sign_out(page)

    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(plan_url)
    page.get_by_label("Quarter", exact=True).select_option("1")
    page.get_by_label("Changes at the customer").fill("Merged with a logistics group")
    page.get_by_label("Adjustments to the plan").fill("Add their logistics arm to the whitespace")
    page.get_by_role("button", name="Record the review").click()

    review = page.get_by_test_id("review")
    expect(review).to_contain_text("Q1")
    expect(review).to_contain_text("Merged with a logistics group")
