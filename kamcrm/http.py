"""Requests as the views see them."""

from django.http import HttpRequest, HttpResponse

from .models import User


class SignedInRequest(HttpRequest):
    """A request the sign-in middleware let through (every page but sign-in, the health
    check and the emailed password link): its user is a User, never anonymous."""

    user: User


def in_place(request: HttpRequest) -> bool:
    """Asked by htmx for a fragment of a page (a card, a side panel), not for a page."""
    return request.headers.get("HX-Request") == "true"


def swapped_for(response: HttpResponse, fragment: str) -> HttpResponse:
    """The response replaces the page's `fragment` (a CSS selector), whatever the request
    aimed at: an autosave aims at nothing, a refused or finished one replaces its card."""
    response["HX-Retarget"] = fragment
    response["HX-Reswap"] = "outerHTML"
    return response


def form_again_status(request: HttpRequest, *, refused: bool, fragment: bool) -> int:
    """How a form shown again answers: 409 when its save was refused as stale; as a
    fragment (htmx), 422 when it was posted with errors, so it is swapped in as one."""
    if refused:
        return 409
    return 422 if fragment and request.method == "POST" else 200
