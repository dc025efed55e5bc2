import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import InfluenceLink, Stakeholder
from tests.factories import AccountFactory, StakeholderFactory


@pytest.mark.django_db
def test_overall_closeness_is_the_mean_of_the_three_scores():
    person = StakeholderFactory(relationship_closeness=5, solution_acceptance=4, price_acceptance=2)
    person.refresh_from_db()

    assert person.overall_closeness == pytest.approx(11 / 3)


@pytest.mark.django_db
def test_the_database_refuses_a_score_outside_1_to_5():
    with pytest.raises(IntegrityError):
        StakeholderFactory(price_acceptance=6)


@pytest.mark.django_db
def test_a_group_cannot_contain_itself():
    group = AccountFactory(name="Group")
    unit = AccountFactory(name="Unit", parent=group, owner=group.owner)
    group.parent = unit

    with pytest.raises(ValidationError, match="part of itself"):
        group.full_clean()


@pytest.mark.django_db
def test_reporting_lines_stay_inside_the_account_and_never_circle():
    boss = StakeholderFactory(name="CEO")
    cfo = StakeholderFactory(name="CFO", account=boss.account, reports_to=boss)
    elsewhere = StakeholderFactory(name="Outsider")

    boss.reports_to = cfo
    with pytest.raises(ValidationError, match="circle"):
        boss.full_clean()
    cfo.reports_to = elsewhere
    with pytest.raises(ValidationError, match="same account"):
        cfo.full_clean()


@pytest.mark.django_db
def test_influence_links_join_two_people_of_one_account_once():
    a = StakeholderFactory()
    b = StakeholderFactory(account=a.account)
    InfluenceLink.objects.create(source=a, target=b)

    with pytest.raises(IntegrityError):
        InfluenceLink.objects.create(source=a, target=b)


@pytest.mark.django_db
def test_external_ids_are_unique_when_given():
    AccountFactory(external_id="")
    AccountFactory(external_id="")
    AccountFactory(external_id="C-1")

    with pytest.raises(IntegrityError):
        AccountFactory(external_id="C-1")


@pytest.mark.django_db
def test_deleting_a_boss_keeps_their_reports():
    boss = StakeholderFactory()
    report = StakeholderFactory(account=boss.account, reports_to=boss)

    boss.delete()

    assert Stakeholder.objects.get(pk=report.pk).reports_to is None
