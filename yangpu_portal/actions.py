"""Writes of the portal's own models (the account's display preferences)."""


def large_text_set(*, user, large: bool) -> None:
    """Keep the 适老化 large-text choice on the account, so every device follows it."""
    if user.large_text != large:
        user.large_text = large
        user.save(update_fields=["large_text"])
