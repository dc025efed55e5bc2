"""Bad input is refused with a 4xx or a message, never a 500: every URL pattern gets
hostile path ids, query parameters and form values (unicode digits, NUL, numbers too
large for any column, negative numbers, unknown choices, very long text)."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from kamcrm.models import User

HOSTILE = [
    "²",  # a unicode digit: str.isdigit() says yes, int() says no
    "\x00",
    "99999999999999999999",
    "-1",
    "1e30",
    "not-a-choice",
    "x" * 3000,
]
# Every parameter name a page or form of the app reads.
NAMES = [
    "year", "fiscal_year", "status", "owner", "team", "kam", "page", "sort", "ordering", "q",
    "search", "account_type", "type", "country", "nine_box_class", "class", "abc", "xyz",
    "strategy", "export", "review_due", "overdue", "stale", "id", "ids", "as_of", "kind",
    "dry_run", "decimal", "date_format", "version", "name", "parent", "currency",
    "potential", "amount", "probability", "stage", "expected_close", "date", "due",
    "quarter", "text", "comment", "role", "username", "email", "language", "next",
]  # fmt: skip
SKIP = {"logout"}  # it would sign the tester out of every later request


def routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name not in SKIP:
            route = prefix + str(entry.pattern)
            if "(?P" not in route and "^" not in route:
                yield route


def paths(route: str) -> set[str]:
    """The route with real-looking ids (1, which the demo has), then with hostile ones."""
    unknown = "00000000-0000-0000-0000-000000000000"  # only a uuid's shape gets through
    fills = [
        {"int": "1", "str": "strengths", "path": "x", "uuid": unknown},
        {"int": "99999999999999999999", "str": "²%00", "path": "²%00", "uuid": unknown},
    ]
    return {
        "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m, f=fill: f[m.group(1) or "str"], route)
        for fill in fills
    }


@pytest.mark.django_db
def test_no_url_answers_a_server_error_to_hostile_input(client, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    call_command("seed_demo", force=True)
    failures = []
    # The admin reaches every page; a KAM reaches the branches only owners take (editing
    # plans, people, deals), tried with fewer values to keep the test quick.
    for username, values in [("admin", HOSTILE), ("kam1", HOSTILE[:4])]:
        client.force_login(User.objects.get(username=username))
        for route in sorted(set(routes())):
            for path in sorted(paths(route)):
                for value in values:
                    data = dict.fromkeys(NAMES, value)
                    for method in (client.get, client.post):
                        try:
                            status = method(path, data).status_code
                        except Exception as error:  # the test client re-raises view errors
                            status = f"{type(error).__name__}: {str(error)[:120]}"
                        if not isinstance(status, int) or status >= 500:
                            failures.append(
                                f"{username} {method.__name__.upper()} {path} {value[:12]!r}: "
                                f"{status}"
                            )
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} in all)"
