import re

import pytest

from plans.models import SectionKind
from plans.services import plan_create
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_whole_plan_prints_on_a_few_a4_pages(page, live_server, kam1):
    account = AccountFactory(name="Siam Cement", owner=kam1)
    plan = plan_create(account=account, fiscal_year=2026, by=kam1)
    for section in plan.sections.all():
        section.text = f"{SectionKind(section.kind).label}: " + "A realistic paragraph. " * 25
        section.save()
    for person in StakeholderFactory.create_batch(8, account=account):
        plan.people.create(
            stakeholder=person, target_closeness=4, target_solution=4, target_price=4
        )
    sign_in(page, live_server, "kam1", PASSWORD)

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")

    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 4, pages  # 10 sections of 25 sentences, 8 people
