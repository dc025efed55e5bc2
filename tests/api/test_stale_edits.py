"""Two writers on one deal or plan section: the one who read an older version gets 409
with the record as stored, and nothing of theirs is written."""

import pytest
from django.urls import reverse

from accounts.models import OpportunityEvent, OpportunityStage, StageOutcome
from tests.needs import needs_postgresql

pytestmark = pytest.mark.django_db


def open_stages():
    return OpportunityStage.objects.filter(outcome=StageOutcome.OPEN).order_by("order")


def move(api, deal, stage, version: int):
    """The deal moved to `stage` through the API, by a client that read `version`."""
    path = reverse("api:opportunity-detail", args=[deal.pk])
    return api.patch(path, {"stage": stage.pk, "version": version}, format="json")


def test_it_moves_a_deal_to_another_stage(north_world, kam1, token_client):
    deal = north_world["opportunity"]
    stage = open_stages().exclude(pk=deal.stage_id).last()

    response = move(token_client(kam1), deal, stage, deal.version)

    assert response.status_code == 200
    deal.refresh_from_db()
    assert (deal.stage, deal.probability, deal.version) == (stage, stage.default_probability, 2)
    assert response.json()["version"] == 2


def test_a_move_on_top_of_someone_elses_save_is_409(north_world, kam1, token_client):
    deal = north_world["opportunity"]
    first, second = open_stages().exclude(pk=deal.stage_id)[:2]
    api = token_client(kam1)
    move(api, deal, first, 1)

    response = move(api, deal, second, 1)

    assert response.status_code == 409
    assert response.json()["current"]["stage"] == first.pk
    deal.refresh_from_db()
    assert deal.stage == first


def test_a_deal_is_not_closed_through_a_move(north_world, kam1, token_client):
    deal = north_world["opportunity"]
    won = OpportunityStage.objects.filter(outcome=StageOutcome.WON).first()

    response = move(token_client(kam1), deal, won, deal.version)

    assert response.status_code == 400
    deal.refresh_from_db()
    assert deal.stage_id != won.pk


def test_it_saves_a_plan_section_and_refuses_a_stale_one(north_world, kam1, token_client):
    plan = north_world["plan"]
    api = token_client(kam1)
    path = reverse("api:plan-section", args=[plan.pk, "strengths"])

    saved = api.patch(path, {"text": "Kiln know-how", "version": 1}, format="json")
    stale = api.patch(path, {"text": "Overwrite", "version": 1}, format="json")

    assert saved.status_code == 200
    assert stale.status_code == 409
    assert stale.json()["current"] == {"kind": "strengths", "text": "Kiln know-how", "version": 2}
    assert plan.sections.get(kind="strengths").text == "Kiln know-how"
    assert plan.revisions.filter(what="strengths", by=kam1).count() == 1


def test_an_unknown_section_is_404(north_world, kam1, token_client):
    path = reverse("api:plan-section", args=[north_world["plan"].pk, "nope"])

    response = token_client(kam1).patch(path, {"text": "x", "version": 1}, format="json")

    assert response.status_code == 404


def test_it_answers_in_the_tokens_users_language(north_world, kam1, token_client):
    kam1.language = "pl"
    kam1.save()
    deal = north_world["opportunity"]

    response = move(token_client(kam1), deal, deal.stage, 7)

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Ktoś inny zapisał")


def test_the_audit_trail_names_the_tokens_user(north_world, kam1, token_client):
    needs_postgresql("the trail is written by PostgreSQL triggers")
    deal = north_world["opportunity"]
    stage = open_stages().exclude(pk=deal.stage_id).first()

    move(token_client(kam1), deal, stage, deal.version)

    event = OpportunityEvent.objects.filter(pgh_obj=deal, pgh_label="update").get()
    assert event.pgh_context.metadata["user"] == kam1.pk
