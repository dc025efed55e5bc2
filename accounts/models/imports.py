from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    """The kinds of file the import takes (accounts.imports.kinds holds how each runs)."""

    ACCOUNTS = "accounts", _("Accounts")
    REVENUE = "revenue", _("Revenue lines")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    ACTIVITIES = "activities", _("Activities")
    USERS = "users", _("Users (admins only)")
    TEAMS = "teams", _("Teams (admins only)")


class ImportState(models.TextChoices):
    MATCHING = "matching", _("Waiting for its columns to be matched")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Checking and importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An uploaded CSV that a worker imports, so a large file neither holds a web process
    nor runs into its timeout; its page shows the progress, then the report."""

    kind = models.CharField(_("what the file holds"), max_length=20, choices=ImportKind)
    dry_run = models.BooleanField(_("dry run"), default=False)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    # The uploader's language, for the progress and the report's messages.
    language = models.CharField(max_length=10)
    file_name = models.CharField(max_length=255)
    # The file itself until it is imported: the database reaches every worker, a local
    # disk does not.
    content = models.TextField(blank=True)
    # How the file is read: the encoding found at upload, the formats chosen or "auto".
    encoding = models.CharField(max_length=20, default="utf-8")
    decimal = models.CharField(max_length=4, default="auto")
    date_format = models.CharField(max_length=10, default="auto")
    # The file's column names that stand for ours (source -> column).
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=ImportState, default=ImportState.QUEUED)
    report = models.JSONField(null=True, blank=True)
    # Why a failed job failed, in words for the uploader.
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved on every few seconds by the running worker (accounts.import_jobs): a job whose
    # heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The broker queue the job was taken from, where a re-queued job goes back to.
    queue = models.CharField(max_length=100, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="import_job_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)


class ColumnMapping(models.Model):
    """A column name of someone's export matched to ours once, so the next file with that
    column imports without asking (one company, one ERP: shared by everyone)."""

    kind = models.CharField(max_length=20, choices=ImportKind)
    source = models.CharField(_("column in the file"), max_length=200)
    column = models.CharField(_("our column"), max_length=50)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source"], name="column_mapping_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.source} -> {self.column}"

    # A file column named like one of ours means ours: a match for it is used for the
    # file at hand but never remembered, nor applied to the next file.

    @classmethod
    def remembered(cls, kind: str, header: list[str], ours: list[str]) -> dict[str, str]:
        names = [name for name in header if name not in ours]
        return dict(cls.objects.filter(kind=kind, source__in=names).values_list("source", "column"))

    @classmethod
    def remember(cls, kind: str, mapping: dict[str, str], ours: list[str]) -> None:
        for source, column in mapping.items():
            if source not in ours:
                cls.objects.update_or_create(kind=kind, source=source, defaults={"column": column})
