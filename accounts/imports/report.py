"""What an import says back: every problem with its line, column, the value and what to
do, and what was (or would be) written."""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError

from .reading import shown


class BadValue(ValueError):
    """A cell's value the import cannot take; the message says why and what to do."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line, column, value as shown, message); line 1 is the header, 0 the whole file.
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_format: str = ""
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, message: str, column: str = "", value: str = "") -> None:
        self.errors.append((line, column, shown(value) if value else "", str(message)))

    def as_dict(self, keep: int) -> dict:
        """For the job's row: the first `keep` problems and the count of all."""
        kept = {**asdict(self), "ok": self.ok, "problems": len(self.errors)}
        kept["errors"] = [list(error) for error in sorted(self.errors)[:keep]]
        return kept


def field_value(model, name: str, value):
    """`value` as the model field stores it, checked by the field's own rules (length,
    digits, range, choices, blank); BadValue with Django's message otherwise."""
    model_field = model._meta.get_field(name)
    try:
        return model_field.clean(value, None)
    except ValidationError as error:
        raise BadValue(" ".join(error.messages)) from None
