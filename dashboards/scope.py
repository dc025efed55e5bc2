from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from kamcrm.models import Role, Team, User
from plans.models import PlanSettings


@dataclass
class Scope:
    """Whose portfolio the dashboard shows: the user's, narrowed by the filters. Accounts
    belong to the dashboard through their owner, one of `owners`."""

    accounts: QuerySet
    kams: list
    teams: list
    team: Team | None
    kam: User | None
    fiscal_year: int
    settings: PlanSettings

    @property
    def owners(self) -> list:
        return [self.kam] if self.kam else self.kams


def scope_for(user, *, team_id=None, kam_id=None, fiscal_year=None) -> Scope:
    if user.is_admin:
        teams = list(Team.objects.all())
        kams = list(User.objects.filter(role=Role.KAM).order_by("username"))
    elif user.is_director:
        teams = list(Team.objects.filter(director=user))
        kams = list(User.objects.filter(role=Role.KAM, team__in=teams).order_by("username"))
    else:
        teams, kams = [], [user]
    team = next((t for t in teams if str(t.pk) == str(team_id)), None)
    if team:
        kams = [k for k in kams if k.team_id == team.pk]
    kam = next((k for k in kams if str(k.pk) == str(kam_id)), None)
    settings = PlanSettings.current()
    year = fiscal_year or settings.fiscal_year_of(timezone.localdate())
    scope = Scope(Account.objects.none(), kams, teams, team, kam, year, settings)
    scope.accounts = Account.objects.visible_to(user).filter(owner__in=scope.owners)
    return scope
