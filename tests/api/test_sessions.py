"""The browser's own session works on the API too (the documentation page's "Try it
out"), with Django's CSRF check on every write, as on the pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_signed_in_browser_reads_and_writes_only_with_its_csrf_token(north_world, kam1):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(kam1)
    plan = north_world["plan"]
    path = reverse("api:plan-section", args=[plan.pk, "strengths"])
    body = {"text": "Kiln know-how", "version": 1}

    listed = browser.get(reverse("api:plan-list"))
    forged = browser.patch(path, body, format="json")
    browser.get(reverse("api:tokens"))  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    sent = browser.patch(path, body, format="json", HTTP_X_CSRFTOKEN=token)

    assert [row["id"] for row in listed.json()["results"]] == [plan.pk]
    assert forged.status_code == 403
    assert sent.status_code == 200
    assert plan.sections.get(kind="strengths").text == "Kiln know-how"
