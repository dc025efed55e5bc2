"""Company-wide numbers an admin can change, kept in one row."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Thresholds(models.Model):
    """The admin-editable thresholds; `Thresholds.current()` reads (or creates) the one row."""

    contact_rhythm_days = models.PositiveSmallIntegerField(
        _("contact rhythm (days)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("An account not contacted for longer than this is flagged as stale."),
    )

    class Meta:
        verbose_name = _("thresholds")
        verbose_name_plural = _("thresholds")

    def __str__(self) -> str:
        return str(_("Thresholds"))

    @classmethod
    def current(cls) -> "Thresholds":
        return cls.objects.get_or_create(pk=1)[0]
