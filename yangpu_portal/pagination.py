"""Bounded pagination for the long lists (issue 10): OFFSET pagination reads and throws away
every row before the page, so page 400 of the 20,000-member roster costs 400 times page 1.
`BoundedPaginator` stops at `MAX_PAGES` (5,000 rows at 50 a page); a request past it gets
the last page it allows, and the list's filters narrow what lies beyond. The total count is
still exact."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_PAGES = 100


class BoundedPaginator(Paginator):
    max_pages = MAX_PAGES

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.max_pages)

    @property
    def is_bounded(self) -> bool:
        """Whether rows lie beyond the last page offered."""
        return self.count > self.max_pages * self.per_page
