from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.reminders import send_plan_reminders


class Command(BaseCommand):
    help = "Send the day's plan reminders; each one goes out once, however often this runs."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, today: date | None, **options):
        sent = send_plan_reminders(today=today or timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"{sent} reminders sent."))
