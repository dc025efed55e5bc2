"""Requests no page can mean are refused before any view sees them."""

from django.http import HttpRequest, HttpResponseBadRequest
from django.utils.translation import gettext as _


class RefuseNulBytes:
    """A NUL character in the path, a query parameter or a form field is refused with 400:
    no text a person types holds one, and PostgreSQL cannot store or even compare text
    with one (every such query would end in a 500). Uploaded files are not looked at: an
    Excel workbook is binary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or _holds_nul(request.GET) or _holds_nul(request.POST):
            return HttpResponseBadRequest(_("The request holds a NUL character."))
        return self.get_response(request)


def _holds_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
