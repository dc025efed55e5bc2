"""Each user has a language: the switcher saves it on their profile, an admin can set it,
every page follows it on any device, and emails go out in it."""

from datetime import date

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from plans.reminders import send_plan_reminders
from tests.factories import AccountFactory


def page_language(client, **headers) -> str:
    return client.get(reverse("notifications"), **headers)["Content-Language"]


def test_the_switcher_saves_the_choice_on_the_profile(client, kam1):
    client.force_login(kam1)

    response = client.post(reverse("set_language"), {"language": "vi", "next": "/plans/"})

    assert response["Location"] == "/plans/"
    kam1.refresh_from_db()
    assert kam1.language == "vi"
    # Another device, whose browser asks for Polish, still gets Vietnamese.
    laptop = Client()
    laptop.force_login(kam1)
    assert page_language(laptop, HTTP_ACCEPT_LANGUAGE="pl") == "vi"


def test_without_a_choice_the_browser_decides(client, kam1):
    client.force_login(kam1)

    assert page_language(client, HTTP_ACCEPT_LANGUAGE="ru") == "ru"
    assert page_language(client, HTTP_ACCEPT_LANGUAGE="de") == "en"


def test_an_unknown_language_changes_nothing(client, kam1):
    client.force_login(kam1)

    client.post(reverse("set_language"), {"language": "xx", "next": "/plans/"})

    kam1.refresh_from_db()
    assert kam1.language == ""


def test_an_admin_sets_a_users_language(client, admin, kam1):
    client.force_login(admin)
    form = client.get(reverse("user_update", args=[kam1.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields} | {"language": "th"}

    client.post(reverse("user_update", args=[kam1.pk]), data)

    kam1.refresh_from_db()
    assert kam1.language == "th"


def test_reminders_are_emailed_in_the_recipients_language(kam1, director1):
    director1.language = "pl"
    director1.save()
    AccountFactory(owner=kam1, name="Siam Cement", nine_box_class="C")

    assert send_plan_reminders(today=date(2026, 2, 1)) == 1

    with translation.override("pl"):
        polish = translation.gettext("No account plan for FY %(year)s: %(account)s")
    assert polish != "No account plan for FY %(year)s: %(account)s"
    assert mail.outbox[0].subject == polish % {"year": 2026, "account": "Siam Cement"}


def test_a_password_link_is_emailed_in_the_users_language(client, admin, kam1):
    kam1.language = "ru"
    kam1.save()
    client.force_login(admin)

    client.post(reverse("user_send_password_link", args=[kam1.pk]))

    english = "Choose your KAM CRM password"
    with translation.override("ru"):
        russian = translation.gettext(english)
    assert russian != english
    assert mail.outbox[0].subject == russian
