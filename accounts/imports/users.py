"""Our own people, for a customer moving in: teams (with their directors) and users (with
their role and team). Admins only. Upserted by username and team name; new users get no
password: an admin sends each a link from Users, as for users created by hand."""

from functools import partial

from django.utils.translation import gettext as _

from kamcrm.models import Role, Team, User

from .reading import Columns, Table
from .report import BadValue, ImportReport, choice, field_value, write_or_refuse

USER_COLUMNS = Columns(
    required=["username", "email", "role"],
    optional=["first_name", "last_name", "team"],
)
TEAM_COLUMNS = Columns(required=["name", "director_username"])


def import_users(table: Table, *, dry_run: bool = False) -> ImportReport:
    report = ImportReport.for_table(table, dry_run, noun="user")
    teams = {t.name.casefold(): t for t in Team.objects.all()}
    stored = {u.username: u for u in User.objects.all()}
    items: dict[str, dict] = {}
    for line, row, problem in table.rows():
        report.rows += 1
        if problem:
            report.error(line, problem)
            continue
        values: dict[str, object] = {}
        errors = len(report.errors)
        for column in table.present:
            text = row[column]
            try:
                if column == "role":
                    values["role"] = choice(Role, text)
                    if not values["role"]:
                        raise BadValue(_("is empty; use one of %(v)s") % {"v": ", ".join(Role)})
                elif column == "team":
                    team = teams.get(text.casefold()) if text else None
                    if text and team is None:
                        raise BadValue(_("no team of this name; import the teams first"))
                    values["team"] = team
                elif column == "email":
                    if not text:
                        raise BadValue(_("is empty; every user needs an address for links"))
                    values["email"] = field_value(User, "email", text)
                else:
                    values[column] = field_value(User, column, text)
            except BadValue as error:
                report.error(line, str(error), column, text)
        username = str(values.get("username", ""))
        if username in items:
            report.error(
                line,
                _("already on line %(line)d") % {"line": items[username]["line"]},
                "username",
                username,
            )
        if len(report.errors) > errors or username in items:
            continue
        if values.get("team") and values.get("role") != Role.KAM:
            report.error(line, _("only key account managers belong to a team"), "team")
            continue
        items[username] = {"line": line, "values": values}
    report.errors.sort()
    if not report.ok:
        return report
    new, changed = [], []
    for username, item in items.items():
        user = stored.get(username)
        values = item["values"]
        if user is None:
            user = User(**values)
            user.set_unusable_password()
            new.append(user)
        elif any(getattr(user, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(user, name, value)
            changed.append(user)
    # One by one: User.save keeps is_staff/is_superuser in step with the role.
    write_or_refuse(report, partial(_save_each, [*new, *changed]), dry_run=dry_run)
    if new:
        report.warnings.append(
            _("%(count)d new users have no password yet: send each a password link from Users.")
            % {"count": len(new)}
        )
    report.created, report.updated = len(new), len(changed)
    report.unchanged = len(items) - len(new) - len(changed)
    return report


def import_teams(table: Table, *, dry_run: bool = False) -> ImportReport:
    report = ImportReport.for_table(table, dry_run, noun="team")
    directors = {u.username: u for u in User.objects.filter(role=Role.DIRECTOR, is_active=True)}
    stored = {t.name: t for t in Team.objects.all()}
    lines: dict[str, int] = {}
    to_save: list[Team] = []
    for line, row, problem in table.rows():
        report.rows += 1
        if problem:
            report.error(line, problem)
            continue
        errors = len(report.errors)
        name, director = row.get("name", ""), directors.get(row.get("director_username", ""))
        try:
            field_value(Team, "name", name)
        except BadValue as error:
            report.error(line, str(error), "name", name)
        if name in lines:
            report.error(line, _("already on line %(line)d") % {"line": lines[name]}, "name")
        if director is None:
            report.error(
                line,
                _("no active sales director has this username; import the users first"),
                "director_username",
                row.get("director_username", ""),
            )
        if len(report.errors) > errors or director is None:
            continue
        lines[name] = line
        team = stored.get(name) or Team(name=name)
        if team.pk is None or team.director_id != director.pk:
            team.director = director
            to_save.append(team)
    report.errors.sort()
    if not report.ok:
        return report
    write_or_refuse(report, partial(_save_each, to_save), dry_run=dry_run)
    report.created = sum(1 for t in to_save if t.name not in stored)
    report.updated = len(to_save) - report.created
    report.unchanged = len(lines) - len(to_save)
    return report


def _save_each(records: list) -> None:
    for record in records:
        record.save()
