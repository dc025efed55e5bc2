import pytest
from django.db import IntegrityError
from django.urls import reverse

from kamcrm.models import Role, Team
from tests.factories import UserFactory


def test_it_lists_teams_with_their_directors_and_sizes(client, admin, kam1, kam2):
    UserFactory(role=Role.KAM, team=kam1.team)
    client.force_login(admin)

    response = client.get(reverse("team_list"))

    sizes = {team.name: team.member_count for team in response.context["object_list"]}
    assert sizes == {"North": 2, "South": 1}


def test_it_creates_a_team_led_by_a_director(client, admin, director1):
    client.force_login(admin)

    response = client.post(reverse("team_create"), {"name": "East", "director": director1.pk})

    assert response["Location"] == reverse("team_list")
    assert Team.objects.get(name="East").director == director1
    assert {t.name for t in director1.led_teams.all()} == {"East"}


def test_it_offers_only_active_directors(client, admin, director1, kam1):
    client.force_login(admin)

    response = client.post(reverse("team_create"), {"name": "East", "director": kam1.pk})

    assert "director" in response.context["form"].errors
    assert not Team.objects.filter(name="East").exists()


def test_it_refuses_a_duplicate_name(client, admin, north):
    client.force_login(admin)

    response = client.post(reverse("team_create"), {"name": "North", "director": north.director_id})

    assert "name" in response.context["form"].errors


def test_it_refuses_a_director(client, director1, north):
    client.force_login(director1)

    response = client.post(
        reverse("team_update", args=[north.pk]), {"name": "Renamed", "director": director1.pk}
    )

    assert response.status_code == 403
    north.refresh_from_db()
    assert north.name == "North"


def test_the_database_keeps_teams_for_kams_only(north):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.DIRECTOR, team=north)
