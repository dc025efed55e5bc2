import re

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, OpportunityFactory, StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_meeting_brief_prints_on_one_a4_page(page, live_server, kam1):
    account = AccountFactory(name="Siam Cement", owner=kam1, history="Won the kiln tender. " * 20)
    StakeholderFactory.create_batch(8, account=account)
    OpportunityFactory.create_batch(5, account=account)
    sign_in(page, live_server, "kam1", PASSWORD)

    page.goto(f"{live_server.url}/accounts/{account.pk}/brief/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
