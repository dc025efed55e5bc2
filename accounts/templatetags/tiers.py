from django import template

from ..models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """`{{ code|status_label }}`: a tier status code in the reader's language."""
    return str(Status(value).label) if value in Status.values else value
