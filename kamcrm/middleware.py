"""Before any view: requests no page can mean are refused, and a signed-in user is
spoken to in their own language."""

from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.utils import translation
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
            message = _("The request holds a NUL character.")
            if request.path.startswith("/api/"):  # machines read JSON, as the API promises
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _holds_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class UserLanguage:
    """A signed-in user who chose a language (the switcher saves it on their profile, an
    admin sets it on the user's page) gets it on every page and device, whatever the
    browser asks for; others get LocaleMiddleware's choice (cookie, then browser)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
