"""Which teams and KAMs a user may see: the one answer for filters, forms, imports and
dashboards. An admin sees everyone; a director the teams they lead and their KAMs; a KAM
their own team (or only themselves, between teams)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Account, Currency
from accounts.services import owned_by
from plans.models import AccountPlan, PlanStatus
from plans.services import actions_owned_by

from .models import Role, Team, User


def teams_visible_to(user) -> QuerySet[Team]:
    if not (user.is_authenticated and user.is_active):
        return Team.objects.none()
    if user.is_admin:
        return Team.objects.all()
    if user.is_director:
        return Team.objects.filter(director=user)
    return Team.objects.filter(pk=user.team_id)


def kams_visible_to(user) -> QuerySet[User]:
    kams = User.objects.filter(role=Role.KAM)
    if not (user.is_authenticated and user.is_active):
        return kams.none()
    if user.is_admin:
        return kams
    if user.is_director:
        return kams.filter(team__director=user)
    return kams.filter(team=user.team_id) if user.team_id else kams.filter(pk=user.pk)


def filter_choices(user) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The (id, name) choices of a filter bar's team and owner selects, read as values: the
    account list made some 110 users, every column of each, to name them."""
    teams = list(teams_visible_to(user).values_list("pk", "name"))
    kams = [
        (pk, f"{first} {last}".strip() or username)  # as User.__str__ names them
        for pk, first, last, username in kams_visible_to(user).values_list(
            "pk", "first_name", "last_name", "username"
        )
    ]
    return teams, kams


def kams_assignable_by(user) -> QuerySet[User]:
    """The active KAMs a user may hand an account to: those they see, but a KAM keeps
    what they own (only a director or admin reassigns)."""
    kams = kams_visible_to(user).filter(is_active=True).select_related("team")
    return kams if (user.is_admin or user.is_director) else kams.filter(pk=user.pk)


def holdings(user: User) -> dict[str, int]:
    """What a user being deactivated still holds, by kind: their accounts (and the plans
    not closed on them, which follow the accounts), open deals, commitments not kept and
    open plan actions; the teams they lead are `user.led_teams`."""
    plans = AccountPlan.objects.filter(account__owner=user).exclude(status=PlanStatus.CLOSED)
    return {**owned_by(user), "plans": plans.count(), "actions": actions_owned_by(user)}


def getting_started() -> list[tuple[str, str, bool]]:
    """A new installation's first steps, for the admin who lands on Users: (what to do,
    where, whether it is done). Empty once every step is done."""
    steps = [
        (
            _("Create the teams, each with the sales director who approves its plans"),
            reverse("team_create"),
            Team.objects.exists(),
        ),
        (
            _("Create the KAMs and directors: each gets an e-mail to choose a password"),
            reverse("user_create"),
            User.objects.filter(role=Role.KAM).exists(),
        ),
        (
            _("Give every currency an exchange rate, and set the fiscal year's first month"),
            reverse("settings:index"),
            not Currency.objects.filter(rate_to_base__isnull=True).exists(),
        ),
        (
            _("Import the accounts, then their revenue, from the ERP or a spreadsheet"),
            reverse("accounts:import"),
            Account.objects.exists(),
        ),
    ]
    return [] if all(done for *_step, done in steps) else steps
