"""For forms drawn as table rows (the bulk editors): a cell's input has no <label> of its
own, its column header says what it is, so the input carries that name itself."""

from django import template

register = template.Library()


@register.filter
def labelled(field):
    """The field's widget, named by the field's label for assistive technology."""
    return field.as_widget(attrs={"aria-label": str(field.label)})
