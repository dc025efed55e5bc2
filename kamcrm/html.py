"""HTML drawn in Python where a template per item was the page's cost (kamcrm.forms's
PlainSelect, the account list's rows)."""

import html


def escaped(text) -> str:
    """A value as a template writes it, as conditional_escape does without the lazy-text
    checks that made it costly in a loop: what is already HTML stays as it is, the rest
    is escaped."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))
