"""What a browser posts back from a form as it was rendered."""


def posted(form) -> dict:
    data = {}
    for field in form:
        value = field.value()
        if value is None and getattr(field.field.widget, "allow_multiple_selected", False):
            continue  # nothing ticked: a browser sends nothing
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = "" if value is None else str(value)
    return data
