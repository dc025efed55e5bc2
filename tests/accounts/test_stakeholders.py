from django.urls import reverse

from accounts.models import InfluenceLink, Stakeholder
from tests.factories import StakeholderFactory


def person(**overrides):
    data = {
        "name": "Khun Malee",
        "title": "Plant manager",
        "department": "Operations",
        "level": "management",
        "attitude": "supporter",
        "buying_role": "technical_evaluator",
        "relationship_closeness": "4",
        "solution_acceptance": "5",
        "price_acceptance": "2",
    }
    return {**data, **overrides}


def test_the_owner_adds_a_stakeholder_with_a_reporting_line(client, kam1, north_account):
    boss = StakeholderFactory(account=north_account, name="Khun Anan")
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:stakeholder_create", args=[north_account.pk]),
        person(reports_to=boss.pk),
    )

    assert response["Location"] == reverse("accounts:people", args=[north_account.pk])
    malee = Stakeholder.objects.get(name="Khun Malee")
    assert (malee.account, malee.reports_to) == (north_account, boss)
    malee.refresh_from_db()
    assert malee.overall_closeness == 11 / 3


def test_it_refuses_a_boss_from_another_account(client, kam1, north_account, south_account):
    outsider = StakeholderFactory(account=south_account)
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:stakeholder_create", args=[north_account.pk]),
        person(reports_to=outsider.pk),
    )

    assert "reports_to" in response.context["form"].errors
    assert not Stakeholder.objects.filter(name="Khun Malee").exists()


def test_it_shows_score_errors(client, kam1, north_account):
    client.force_login(kam1)

    response = client.post(
        reverse("accounts:stakeholder_create", args=[north_account.pk]),
        person(price_acceptance="7", name=""),
    )

    assert set(response.context["form"].errors) >= {"price_acceptance", "name"}


def test_another_teams_kam_gets_404_by_get_and_post(client, kam2, north_account):
    someone = StakeholderFactory(account=north_account, name="Khun Anan")
    client.force_login(kam2)

    urls = [
        reverse("accounts:stakeholder_create", args=[north_account.pk]),
        reverse("accounts:stakeholder_update", args=[north_account.pk, someone.pk]),
        reverse("accounts:stakeholders", args=[north_account.pk]),
        reverse("accounts:influence_create", args=[north_account.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, person(name="Hijack")).status_code == 404, url
    someone.refresh_from_db()
    assert someone.name == "Khun Anan"


def test_a_stakeholder_is_only_reachable_through_its_own_account(
    client, kam1, north_account, south_account
):
    elsewhere = StakeholderFactory(account=south_account)
    client.force_login(kam1)

    url = reverse("accounts:stakeholder_update", args=[north_account.pk, elsewhere.pk])

    assert client.get(url).status_code == 404


def bulk_edit(rows: list[tuple[Stakeholder | None, dict]]) -> dict:
    """The bulk editor's post: each row a person (the one it changes, or None for a new
    one) with what differs from person()'s."""
    prefix = "stakeholders"
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for existing, _ in rows if existing)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, (existing, overrides) in enumerate(rows):
        row = person(name=existing.name if existing else "")
        row.update(overrides)
        if existing:
            row["id"], row["version"] = existing.pk, existing.version
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_the_bulk_editor_saves_changes_additions_and_deletions(client, kam1, north_account):
    keep = StakeholderFactory(account=north_account, name="Keep")
    drop = StakeholderFactory(account=north_account, name="Drop")
    client.force_login(kam1)
    data = bulk_edit(
        [(keep, {"name": "Keep (renamed)"}), (drop, {"DELETE": "on"}), (None, {"name": "New"})]
    )

    response = client.post(reverse("accounts:stakeholders", args=[north_account.pk]), data)

    assert response.status_code == 302, response.context["formset"].errors
    assert set(north_account.stakeholders.values_list("name", flat=True)) == {
        "Keep (renamed)",
        "New",
    }


def test_it_links_influence_between_two_people(client, kam1, north_account):
    a = StakeholderFactory(account=north_account)
    b = StakeholderFactory(account=north_account)
    client.force_login(kam1)

    same = client.post(
        reverse("accounts:influence_create", args=[north_account.pk]),
        {"source": a.pk, "target": a.pk, "strength": 3},
    )
    client.post(
        reverse("accounts:influence_create", args=[north_account.pk]),
        {"source": a.pk, "target": b.pk, "strength": 4},
    )

    assert same.context["form"].non_field_errors()
    assert InfluenceLink.objects.get().strength == 4


def test_the_bulk_editor_reads_the_reporting_choices_once(
    client, kam1, north_account, django_assert_num_queries
):
    StakeholderFactory.create_batch(12, account=north_account)
    client.force_login(kam1)
    url = reverse("accounts:stakeholders", args=[north_account.pk])
    client.get(url)  # the session and the user, read once

    with django_assert_num_queries(7) as few:
        client.get(url)
    StakeholderFactory.create_batch(8, account=north_account)
    with django_assert_num_queries(len(few)):  # twenty rows cost what twelve did
        page = client.get(url)

    first = page.context["formset"].forms[0]
    offered = [str(value) for value, _ in first.fields["reports_to"].choices if value != ""]
    assert str(first.instance.pk) not in offered  # no one reports to themselves
    assert len(offered) == 19


def test_the_bulk_editor_refuses_reporting_lines_that_close_a_loop(client, kam1, north_account):
    """Each row alone is fine (A under B, B under A); together they loop: the database
    refuses, the page says so, and nobody's boss changes."""
    a = StakeholderFactory(account=north_account, name="A")
    b = StakeholderFactory(account=north_account, name="B")
    client.force_login(kam1)
    prefix = "stakeholders"
    data = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, (existing, boss) in enumerate([(a, b), (b, a)]):
        row = person(name=existing.name, reports_to=boss.pk)
        row["id"], row["version"] = existing.pk, existing.version
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})

    response = client.post(reverse("accounts:stakeholders", args=[north_account.pk]), data)

    assert response.status_code == 200
    assert "go round in a circle" in response.content.decode()
    assert list(north_account.stakeholders.values_list("reports_to", flat=True)) == [None, None]
