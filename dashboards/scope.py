from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from kamcrm.models import Team, User
from kamcrm.selectors import kams_visible_to, teams_visible_to
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
    if user.is_kam:  # a KAM's dashboard is their own portfolio, not their team's
        teams, kams = [], [user]
    else:
        teams = list(teams_visible_to(user))
        kams = list(kams_visible_to(user).order_by("username"))
    team = next((t for t in teams if str(t.pk) == str(team_id)), None)
    if team:
        kams = [k for k in kams if k.team_id == team.pk]
    kam = next((k for k in kams if str(k.pk) == str(kam_id)), None)
    settings = PlanSettings.current()
    year = fiscal_year or settings.fiscal_year_of(timezone.localdate())
    scope = Scope(Account.objects.none(), kams, teams, team, kam, year, settings)
    scope.accounts = Account.objects.visible_to(user).filter(owner__in=scope.owners)
    return scope
