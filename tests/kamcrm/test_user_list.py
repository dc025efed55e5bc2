import pytest
from django.urls import reverse

from accounts.models import Currency
from kamcrm.models import Role, User
from tests.factories import AccountFactory, TeamFactory, UserFactory


@pytest.mark.parametrize("user_fixture", ["director1", "kam1"])
def test_it_refuses_directors_and_kams(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    for name in ("user_list", "user_create", "team_list", "team_create"):
        assert client.get(reverse(name)).status_code == 403, name


def test_it_lists_active_users_with_their_teams(client, admin, kam1, kam2):
    client.force_login(admin)

    response = client.get(reverse("user_list"))

    users = list(response.context["object_list"])
    assert {"admin", "director1", "kam1", "director2", "kam2"} <= {u.username for u in users}
    html = response.content.decode()
    assert "North" in html
    assert "South" in html


def test_it_searches_by_name_username_and_email(client, admin, kam1, kam2):
    # Fixed names: the factory's random ones could hold "kam" or "lan" (Kamala, Roland).
    User.objects.update(first_name="Somchai", last_name="Chaiyaporn", email="")
    UserFactory(username="nguyen", first_name="Lan", last_name="Nguyen", email="lan@example.vn")
    client.force_login(admin)

    def found(q):
        response = client.get(reverse("user_list"), {"q": q})
        return {u.username for u in response.context["object_list"]}

    assert found("kam") == {"kam1", "kam2"}
    assert found("lan") == {"nguyen"}
    assert found("example.vn") == {"nguyen"}


def test_it_filters_by_role_and_team(client, admin, kam1, kam2):
    client.force_login(admin)

    kams = client.get(reverse("user_list"), {"role": Role.KAM}).context["object_list"]
    north = client.get(reverse("user_list"), {"team": kam1.team_id}).context["object_list"]

    assert {u.username for u in kams} == {"kam1", "kam2"}
    # A team's members and its director.
    assert {u.username for u in north} == {"kam1", "director1"}


def test_it_hides_deactivated_users_unless_asked(client, admin, kam1):
    kam1.is_active = False
    kam1.save(update_fields=["is_active"])
    client.force_login(admin)

    active = client.get(reverse("user_list")).context["object_list"]
    inactive = client.get(reverse("user_list"), {"status": "inactive"}).context["object_list"]

    assert "kam1" not in {u.username for u in active}
    assert {u.username for u in inactive} == {"kam1"}


def test_it_paginates(client, admin):
    UserFactory.create_batch(30)
    client.force_login(admin)

    first = client.get(reverse("user_list"))
    second = client.get(reverse("user_list"), {"page": 2})

    assert len(first.context["object_list"]) == 25
    assert len(second.context["object_list"]) == 6


def test_it_runs_a_bounded_number_of_queries(client, admin, north, django_assert_max_num_queries):
    UserFactory.create_batch(40, team=north)
    client.force_login(admin)

    # 8, and 4 for the first steps an installation without accounts still has to take.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("user_list"))

    assert response.status_code == 200


def test_a_new_installation_shows_the_admin_its_first_steps_until_each_is_done(client, admin):
    client.force_login(admin)

    html = client.get(reverse("user_list")).content.decode()

    assert 'data-testid="getting-started"' in html
    for name in ("team_create", "user_create", "accounts:import"):
        assert f'href="{reverse(name)}"' in html, name
    team = TeamFactory()  # with its director
    UserFactory(team=team, role=Role.KAM)
    html = client.get(reverse("user_list")).content.decode()
    assert f'href="{reverse("team_create")}"' not in html  # done, no longer a link
    assert 'data-testid="getting-started"' in html
    Currency.objects.filter(rate_to_base__isnull=True).update(rate_to_base=1)
    AccountFactory(owner=User.objects.get(role=Role.KAM))
    assert 'data-testid="getting-started"' not in client.get(reverse("user_list")).content.decode()
