from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Pages that stay right while rows are added: `next` and `previous` links carry an
    opaque cursor. The order is the list's `ordering` parameter, ties by id."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        # DRF places a cursor on the first field's value and counts the rows tied with
        # it; that count finds the same rows again only when ties come in one order,
        # which PostgreSQL does not promise without a last, unique key.
        ordering = tuple(super().get_ordering(request, queryset, view))
        if ordering[-1].lstrip("-") not in ("pk", "id"):
            ordering += ("pk",)
        return ordering
