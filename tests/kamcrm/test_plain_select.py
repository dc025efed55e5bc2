"""A filter bar's select drawn in Python offers what Django's own Select would: the same
options, values and labels, escaped alike, the chosen one selected."""

from html.parser import HTMLParser

from django import forms
from django.utils.safestring import mark_safe

from kamcrm.forms import PlainSelect

CHOICES = [
    ("", "Any owner"),
    (1, 'Tom "the <boss>" & co'),
    (2, mark_safe("<b>already HTML</b>")),
    ("x&y", "Łukasz Wójcik"),
]


class Options(HTMLParser):
    def __init__(self):
        super().__init__()
        self.select, self.options = {}, []

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.select = dict(attrs)
        elif tag == "option":
            self.options.append([dict(attrs), ""])

    def handle_data(self, data):
        if self.options and data.strip():
            self.options[-1][1] += data


def parsed(markup: str):
    parser = Options()
    parser.feed(markup)
    return parser.select, parser.options


def test_it_draws_the_options_django_would():
    attrs = {"class": "form-select", "id": "id_owner"}
    for value in ("", "1", "x&y", "3", None):
        plain = PlainSelect(attrs=attrs, choices=CHOICES).render("owner", value)
        django = forms.Select(attrs=attrs, choices=CHOICES).render("owner", value)
        assert parsed(plain) == parsed(django), value


def test_it_escapes_labels_and_marks_the_choice():
    markup = PlainSelect(choices=CHOICES).render("owner", "1")
    assert '<option value="1" selected>Tom &quot;the &lt;boss&gt;&quot; &amp; co</option>' in markup
    assert "<b>already HTML</b>" in markup
    assert '<option value="x&amp;y">' in markup
