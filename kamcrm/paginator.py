"""Pages of a list too long to count on every request."""

from functools import cached_property
from math import ceil
from typing import cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet

from . import seek


class OpenPage(Page):
    """A page of a list whose end is not known: whether another page follows was read
    with it."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more
        # Where the next page starts (kamcrm.seek), for its link.
        keys = paginator.keys
        self.after = seek.cursor(object_list[-1], keys) if more and keys else ""

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    """Counts the rows up to `cap` only: counting a filter that matches most of 100,000
    accounts read every one of them on every page. Past the cap the list says "more
    than" the cap, its pages are numbered without a total, and each page reads one row
    more to know whether a next one follows. Below it, a plain Paginator."""

    cap = 1000
    # Past this many rows a page asked for by number skips them in a subquery of ids,
    # then joins its rows: with the joins its rows make, PostgreSQL sorted the whole
    # table to skip 75,000 of them (0.2 s), where the ids alone come from the sort's
    # index (migration accounts 0033) in 3-14 ms, as fast as this machine's database ran
    # (README, Benchmarks). A Next link's page reads from where its page ended instead.
    deep = 1000

    def __init__(self, *args, after: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.after = after  # a cursor from the page before's Next link (kamcrm.seek)

    @cached_property
    def keys(self) -> list[seek.Key] | None:
        rows = self.object_list
        return seek.order_of(rows) if isinstance(rows, QuerySet) else None

    @cached_property
    def count(self) -> int:
        """The rows, or cap + 1 where there are more."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by().values("pk")[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        """Past the cap, counted in full: only `?page=last` asks (the pages say no total),
        and it took page cap / per page + 1 for the last."""
        if not self.capped:
            return super().num_pages
        rows = self.object_list
        total = rows.order_by().count() if isinstance(rows, QuerySet) else len(rows)
        return ceil(max(1, total - self.orphans) / self.per_page)

    def validate_number(self, number) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        stretches = seek.after(self.after, self.keys) if self.after and self.keys else None
        rows: list = []
        if stretches is not None and number > 1:  # read on from where the page before ended
            queryset = cast(QuerySet, self.object_list)
            for stretch in stretches:
                rows += queryset.filter(stretch)[: self.per_page + 1 - len(rows)]
                if len(rows) > self.per_page:
                    break
        else:
            rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return OpenPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _rows(self, bottom: int, top: int) -> list:
        rows = self.object_list
        if bottom < self.deep or not isinstance(rows, QuerySet):
            return list(rows[bottom:top])
        return list(rows.filter(pk__in=rows.values("pk")[bottom:top]))
