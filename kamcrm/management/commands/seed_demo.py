from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import seed_portfolio
from accounts.periods import add_months
from accounts.tiering import tiers_recompute
from health.scoring import health_recompute
from kamcrm.models import Role, Team, User
from plans.demo import seed_plans

DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Load the demo cast and portfolio. Safe to run again: existing rows are kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even with debug off (demo passwords!)."
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo users with known passwords while DJANGO_DEBUG is off. "
                "Use --force if you really mean it."
            )
        created = accounts = 0
        created += self._user("admin", "Ada", "Admin", Role.ADMIN)[1]
        teams = [
            ("North", "director1", "Dana", "North"),
            ("South", "director2", "Dominik", "South"),
        ]
        for number, (team_name, director_name, first, last) in enumerate(teams, start=1):
            director, new = self._user(director_name, first, last, Role.DIRECTOR)
            created += new
            team, _ = Team.objects.get_or_create(name=team_name, defaults={"director": director})
            kam, new = self._user(f"kam{number}", "Kim", f"{last} {number}", Role.KAM, team=team)
            created += new
            accounts += seed_portfolio(kam=kam, team_name=team_name, today=timezone.localdate())
        if accounts:
            self._tier_history()
            for team in Team.objects.filter(name__in=["North", "South"]).select_related("director"):
                for kam in team.members.all():
                    seed_plans(kam=kam, director=team.director)
            # Last month's and today's, so a fall shows on the dashboard and in the bell.
            health_recompute(as_of=add_months(timezone.localdate(), -1))
            health_recompute(as_of=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} users and {accounts} accounts created; "
                f"password '{DEMO_PASSWORD}')."
            )
        )

    def _tier_history(self) -> None:
        """Tier the demo as of the start of each of the last six months and today, so the
        history and the movements have something to show."""
        today = timezone.localdate()
        for back in range(6, 0, -1):
            tiers_recompute(as_of=add_months(today, -back))
        tiers_recompute(as_of=today)

    def _user(self, username, first_name, last_name, role, team=None) -> tuple[User, bool]:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "role": role,
                "team": team,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user, created
