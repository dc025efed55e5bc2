"""Bring the translation catalogues (locale/) up to date with the strings marked in the
code and templates, or, with --check, fail naming every catalogue that is stale or has
an entry untranslated or fuzzy (the test suite runs the check). Needs GNU gettext."""

import fcntl
import shutil
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

OPTIONS = {
    "add_location": "file",  # no line numbers: a moved line does not change a catalogue
    "no_obsolete": True,
    "ignore_patterns": [".venv/*", "bench/*", "tests/*", "staticfiles/*", "static/vendor/*"],
}


def languages() -> list[str]:
    """Every language but the one the strings are written in."""
    return [code for code, _ in settings.LANGUAGES if code != "en"]


def catalogue(root: Path, code: str) -> Path:
    return root / code / "LC_MESSAGES" / "django.po"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; fail if stale.")

    def handle(self, *args, check: bool = False, **options):
        locale = Path(settings.LOCALE_PATHS[0])
        if not check:
            call_command(
                "makemessages", locale=languages(), verbosity=options["verbosity"], **OPTIONS
            )
            return
        problems = []
        # makemessages writes its django.pot beside the project's catalogues whatever
        # LOCALE_PATHS says, and deletes it after: two checks at once (the test suite's
        # parallel workers) would take each other's file away. One at a time.
        lock = Path(tempfile.gettempdir()) / "kamcrm-catalogues.lock"
        with lock.open("w") as held, tempfile.TemporaryDirectory() as tmp:
            fcntl.flock(held, fcntl.LOCK_EX)
            for code in languages():
                if catalogue(locale, code).exists():
                    catalogue(Path(tmp), code).parent.mkdir(parents=True)
                    shutil.copy(catalogue(locale, code), catalogue(Path(tmp), code))
            # The same extraction as `make messages`, written to the copies.
            with override_settings(LOCALE_PATHS=[tmp]):
                call_command("makemessages", locale=languages(), verbosity=0, **OPTIONS)
            for code in languages():
                problems += _problems(code, catalogue(locale, code), catalogue(Path(tmp), code))
        if problems:
            raise CommandError("\n".join([*problems, "Run `make messages`, then translate."]))
        self.stdout.write(f"The {', '.join(languages())} catalogues are complete and current.")


def _problems(code: str, committed: Path, fresh: Path) -> list[str]:
    if not committed.exists():
        return [f"{code}: no catalogue at {committed}"]
    with committed.open("rb") as file:
        ours = read_po(file)
    with fresh.open("rb") as file:
        marked = read_po(file)
    ids = {m.id for m in ours if m.id}
    wanted = {m.id for m in marked if m.id}
    problems = [f"{code}: not in the catalogue: {_shown(i)}" for i in wanted - ids]
    problems += [f"{code}: no longer marked: {_shown(i)}" for i in ids - wanted]
    for message in ours:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if not all(strings):
            problems.append(f"{code}: untranslated: {_shown(message.id)}")
        elif message.fuzzy:
            problems.append(f"{code}: fuzzy: {_shown(message.id)}")
    if ours.fuzzy:
        problems.append(f"{code}: the header is marked fuzzy (its plural forms would be lost)")
    return problems


def _shown(message_id) -> str:
    text = message_id[0] if isinstance(message_id, tuple) else message_id
    return repr(text[:70])
