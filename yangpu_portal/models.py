from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A sign-in account. Staff accounts are made by admins; a member's login links to their
    `branches.Member` record through `Member.user`. Kept as our own model from the first
    migration so that account fields (password age, forced change) can be added later."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["username"]

    def get_full_name(self) -> str:
        """Chinese names read surname first with no space (张晓东); others "first last"."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if (first + last).isascii():
            return f"{first} {last}".strip()
        return f"{last}{first}"
