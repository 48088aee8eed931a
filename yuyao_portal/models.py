from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a post holder, a resident or department staff."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    care_mode = models.BooleanField(
        _("elderly-friendly mode"),
        default=False,
        help_text=_("Larger text, stronger contrast and a simpler menu (适老化/关怀模式)."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username
