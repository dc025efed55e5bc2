"""Each token has its own request budget (KAMCRM_API_RATE): one machine in a loop does not
slow the others down."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.kamcrm.test_settings import run

pytestmark = pytest.mark.django_db


def test_it_answers_429_past_a_tokens_rate_and_counts_each_token_apart(
    settings, kam1, token_client
):
    settings.KAMCRM_API_RATE = "3/minute"
    cache.clear()
    busy, other = token_client(kam1), token_client(kam1)
    path = reverse("api:account-list")

    statuses = [busy.get(path).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert other.get(path).status_code == 200
    assert "Retry-After" in busy.get(path)


def test_a_misspelt_rate_stops_the_start_clearly():
    result = run(
        "from django.conf import settings; settings.KAMCRM_API_RATE",
        DJANGO_SECRET_KEY="x",
        KAMCRM_API_RATE="1200 a minute",
    )

    assert result.returncode != 0
    assert "KAMCRM_API_RATE must be a number per" in result.stderr
