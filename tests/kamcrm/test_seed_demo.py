import pytest
from django.core.management import CommandError, call_command

from kamcrm.models import Role, Team, User


def test_it_refuses_to_seed_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG is off"):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_it_seeds_the_demo_cast_once(db, settings):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    cast = {u.username: u for u in User.objects.select_related("team")}
    assert set(cast) == {"admin", "director1", "kam1", "director2", "kam2"}
    assert cast["admin"].role == Role.ADMIN
    assert Team.objects.get(name="North").director == cast["director1"]
    assert cast["kam1"].team.name == "North"
    assert cast["kam2"].team.name == "South"
    assert all(user.check_password("demo") for user in cast.values())


def test_it_keeps_a_changed_password(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    kam1 = User.objects.get(username="kam1")
    kam1.set_password("changed by kam1")
    kam1.save()

    call_command("seed_demo")

    kam1.refresh_from_db()
    assert kam1.check_password("changed by kam1")


def test_it_grows_a_portfolio_per_team_and_never_doubles_it(db, settings):
    from accounts.models import Account, RevenueLine, Stakeholder

    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Account.objects.count(), RevenueLine.objects.count(), Stakeholder.objects.count())
    call_command("seed_demo")

    assert (
        Account.objects.count(),
        RevenueLine.objects.count(),
        Stakeholder.objects.count(),
    ) == counts
    assert Account.objects.filter(owner__username="kam1").count() >= 10
    assert Account.objects.filter(owner__username="kam2").count() >= 10
    assert Account.objects.filter(parent__isnull=False).exists()
    assert counts[1] > 24 * 10
    from plans.models import AccountPlan

    assert set(AccountPlan.objects.values_list("status", flat=True)) == {"approved", "draft"}
    assert AccountPlan.objects.count() == 4
