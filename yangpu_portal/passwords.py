"""Password rules beyond Django's own validators (MLPS level 3 asks for character variety)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("lower", set(string.ascii_lowercase)),
    ("upper", set(string.ascii_uppercase)),
    ("digit", set(string.digits)),
)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and others `password` uses (0-4)."""
    used = {name for name, chars in CLASSES if any(c in chars for c in password)}
    if any(not c.isascii() or not c.isalnum() for c in password):
        used.add("other")
    return len(used)


class CharacterClassesValidator:
    """At least `min_classes` of the four classes: lower case, upper case, digits, others."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_plain")

    def get_help_text(self):
        return ngettext(
            "密码须包含小写字母、大写字母、数字和符号中的至少 %(n)d 类。",
            "密码须包含小写字母、大写字母、数字和符号中的至少 %(n)d 类。",
            self.min_classes,
        ) % {"n": self.min_classes}


class MaximumLengthValidator:
    """Long passphrases are welcome, up to a bound that keeps hashing cheap."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(self.get_help_text(), code="password_too_long")

    def get_help_text(self):
        return _("密码最长 %(n)d 个字符。") % {"n": self.max_length}
