"""Every endpoint follows the pages' rules: an outsider (kam2, of South) gets 404 for
each of North's records and each write on them; a KAM who sees an account but may not
change it (kam1b, kam1's teammate) gets 403 on writes; lists hold only what the reader
may see."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Each record endpoint, by route basename, and the record of North's world it reads.
RECORDS = {
    "account": "account",
    "stakeholder": "stakeholder",
    "buying_centre": "buying_centre",
    "opportunity": "opportunity",
    "activity": "activity",
    "commitment": "commitment",
    "revenue_line": "revenue_line",
    "tier_snapshot": "tier_snapshot",
    "plan": "plan",
}


def writes(world) -> list[tuple[str, str, dict]]:
    """(method, path, body) of every write, each valid but for who sends it."""
    deal, plan = world["opportunity"], world["plan"]
    section = plan.sections.get(kind="strengths")
    return [
        (
            "patch",
            reverse("api:opportunity-detail", args=[deal.pk]),
            {"stage": deal.stage_id, "version": deal.version},
        ),
        (
            "patch",
            reverse("api:plan-section", args=[plan.pk, "strengths"]),
            {"text": "Kilns", "version": section.version},
        ),
    ]


def test_it_answers_404_for_every_record_and_write_to_an_outsider(north_world, kam2, token_client):
    api = token_client(kam2)

    for basename, key in RECORDS.items():
        path = reverse(f"api:{basename}-detail", args=[north_world[key].pk])
        assert api.get(path).status_code == 404, path
    for method, path, body in writes(north_world):
        assert getattr(api, method)(path, body, format="json").status_code == 404, path
    deal = north_world["opportunity"]
    deal.refresh_from_db()
    assert deal.version == 1


def test_it_lists_none_of_the_outsiders_records(north_world, kam2, token_client):
    api = token_client(kam2)

    for basename in RECORDS:
        response = api.get(reverse(f"api:{basename}-list"))
        assert response.status_code == 200
        assert response.json()["results"] == [], basename


def test_it_lists_what_a_teammate_sees(north_world, kam1b, token_client):
    api = token_client(kam1b)

    ids = [row["id"] for row in api.get(reverse("api:account-list")).json()["results"]]

    assert ids == [north_world["account"].pk]


def test_it_answers_403_to_writes_by_a_kam_who_may_not_change_the_account(
    north_world, kam1b, director1, token_client
):
    deal = north_world["opportunity"]
    path = reverse("api:opportunity-detail", args=[deal.pk])

    response = token_client(kam1b).patch(
        path, {"stage": deal.stage_id, "version": deal.version}, format="json"
    )

    assert response.status_code == 403
    # The director sees the plan but does not write it (the pages' rule: KAMs write).
    _method, section_path, body = writes(north_world)[1]
    assert token_client(director1).patch(section_path, body, format="json").status_code == 403
    plan = north_world["plan"]
    assert plan.sections.get(kind="strengths").text == ""


def test_it_answers_403_to_a_kam_pushing_revenue(north_world, kam1, token_client):
    line = {"account_external_id": "SC-1", "date": "2026-03-01", "amount": "5", "currency": "USD"}

    response = token_client(kam1).post(
        reverse("api:revenue_bulk"), {"lines": [line]}, format="json"
    )

    assert response.status_code == 403
    assert north_world["account"].revenue_lines.count() == 1


def test_it_answers_401_without_a_token_and_to_a_wrong_one(north_world, client):
    path = reverse("api:account-list")

    assert client.get(path).status_code == 401
    assert client.get(path, HTTP_AUTHORIZATION="Bearer kam_wrong").status_code == 401
