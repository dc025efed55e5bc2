"""Requests as the views see them."""

from django.http import HttpRequest

from .models import User


class SignedInRequest(HttpRequest):
    """A request the sign-in middleware let through (every page but sign-in, the health
    check and the emailed password link): its user is a User, never anonymous."""

    user: User
