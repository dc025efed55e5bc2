from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Pages that stay right while rows are added: `next` and `previous` links carry an
    opaque cursor. The order is the list's `ordering` parameter (ties by id)."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
