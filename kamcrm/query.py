"""A page's query parameters are read through a form like any other input: a value that
does not fit (a unicode digit, a NUL, a year no column holds, an unknown choice) is
dropped with a message on the page, never handed to the database to fail on."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

# Ids the database can hold (PostgreSQL's integer); a larger one cannot name anything.
ID_MAX = 2**31 - 1


def id_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=ID_MAX, **kwargs)


def query_values(request: HttpRequest, form_class: type[forms.Form], **kwargs) -> dict:
    """The form's valid values from the query string; each invalid one is named in a
    message and left out, so the page still shows, filtered by what was understood."""
    return form_values(request, form_class(request.GET, **kwargs))


def form_values(request: HttpRequest, form: forms.Form) -> dict:
    """query_values for a form already made (one the page also draws)."""
    form.is_valid()
    for name, errors in form.errors.items():
        messages.warning(
            request,
            _("The filter “%(name)s” was ignored: %(error)s")
            % {"name": name, "error": " ".join(str(error) for error in errors)},
        )
    return form.cleaned_data
