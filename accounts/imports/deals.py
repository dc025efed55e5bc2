"""Deals and activities, imported onto their accounts."""

from django.utils.translation import gettext as _

from kamcrm.models import Role, User

from ..models import (
    AccountTeamMember,
    Activity,
    Currency,
    Opportunity,
    OpportunityStage,
    ProductLine,
)
from ..models.activities import ActivityKind
from ..models.deals import OpportunityType, StageOutcome
from .reading import Columns, Table
from .records import KEY, RecordImport
from .report import BadValue, ImportReport, choice, field_value


class OpportunityImport(RecordImport[Opportunity]):
    """Deals, their stage named as in Settings → Stages. A deal's owner joins the
    account team when they are not its owner already."""

    model = Opportunity
    noun = "opportunity"
    columns = Columns(
        required=[*KEY, "name", "stage"],
        optional=[
            "amount",
            "currency",
            "probability",
            "expected_close",
            "opportunity_type",
            "product_line",
            "owner_username",
            "close_reason",
        ],
        numbers=["amount", "probability"],
        dates=["expected_close"],
    )

    def __init__(self, table: Table, *, by: User | None = None):
        super().__init__(table, by=by)
        self.stages = {s.name.casefold(): s for s in OpportunityStage.objects.all()}
        self.currencies = {c.code: c for c in Currency.objects.all()}
        self.products = {p.name.casefold(): p for p in ProductLine.objects.all()}

    def _stage(self, text: str) -> dict:
        stage = self.stages.get(text.casefold())
        if stage is None:
            self.not_set_up["stage"].add(text)
            raise BadValue(
                _("unknown stage; use one of %(stages)s, or ask an admin to add it in Settings")
                % {"stages": ", ".join(s.name for s in self.stages.values())}
            )
        return {"stage": stage}

    def _amount(self, text: str) -> dict:
        return (
            {"amount": field_value(Opportunity, "amount", self.format.number(text))} if text else {}
        )

    def _currency(self, text: str) -> dict:
        if not text:
            return {}
        currency = self.currencies.get(text.upper())
        if currency is None:
            raise BadValue(_("unknown currency; use a 3-letter code set up under Settings"))
        return {"currency": currency}

    def _probability(self, text: str) -> dict:
        if not text:
            return {}
        number = self.format.number(text.rstrip("%").strip())
        return {"probability": field_value(Opportunity, "probability", int(number))}

    def _expected_close(self, text: str) -> dict:
        return {"expected_close": self.format.date(text)} if text else {}

    def _opportunity_type(self, text: str) -> dict:
        return {"opportunity_type": choice(OpportunityType, text)} if text else {}

    def _product_line(self, text: str) -> dict:
        if not text:
            return {"product_line": None}
        product = self.products.get(text.casefold())
        if product is None:
            self.not_set_up["product_line"].add(text)
            raise BadValue(_("unknown product line; an admin can add it from this report"))
        return {"product_line": product}

    def _owner_username(self, text: str) -> dict:
        owner = self._user(text, roles=[Role.KAM, Role.DIRECTOR])
        return {"owner": owner} if owner else {}

    def check(self, item: dict, stored, report: ImportReport) -> None:
        values, line = item["values"], item["line"]
        stage = values.get("stage") or (stored.stage if stored else None)
        if stored is None:
            # A deal needs an amount and a close date to count in any pipeline.
            for column, name in [("amount", "amount"), ("expected_close", "expected_close")]:
                if name not in values:
                    report.error(
                        line,
                        _("a new deal needs this; fill it in, or leave the deal out of the file"),
                        column,
                    )
        if stage and stage.outcome == StageOutcome.LOST:
            reason = values.get("close_reason", stored.close_reason if stored else "")
            if not reason:
                report.error(line, _("say why the deal was lost"), "close_reason")
        moved = stored is None or values.get("stage", stored.stage) != stored.stage
        if stage and "probability" not in values and moved:
            values["probability"] = (
                100 if stage.outcome == StageOutcome.WON else stage.default_probability
            )

    def new_defaults(self, item: dict) -> dict:
        account = item["account"]
        return {"currency_id": account.currency_id, "owner_id": account.owner_id}

    def after_write(self, items: dict, records: dict) -> list:
        # A deal's owner works on the account: on its team, unless they own it.
        members = set(
            AccountTeamMember.objects.filter(account_id__in={k[0] for k in items}).values_list(
                "account_id", "user_id"
            )
        )
        joining = {
            (r.account_id, r.owner_id)
            for r in records.values()
            if r.owner_id != items[(r.account_id, r.external_id)]["account"].owner_id
        } - members
        AccountTeamMember.objects.bulk_create(
            [AccountTeamMember(account_id=a, user_id=u, role=_("deal owner")) for a, u in joining]
        )
        return []


class ActivityImport(RecordImport[Activity]):
    """Meetings, calls, visits and emails: the contact history."""

    model = Activity
    noun = "activity"
    columns = Columns(
        required=[*KEY, "kind", "date", "summary"],
        optional=["next_step", "created_by_username"],
        dates=["date"],
    )

    def _kind(self, text: str) -> dict:
        if not text:
            raise BadValue(
                _("is empty; use one of %(kinds)s") % {"kinds": ", ".join(ActivityKind.values)}
            )
        return {"kind": choice(ActivityKind, text)}

    def _date(self, text: str) -> dict:
        return self._date_cell("date", text, required=True)

    def _created_by_username(self, text: str) -> dict:
        user = self._user(text, roles=list(Role.values))
        return {"created_by": user} if user else {}

    def new_defaults(self, item: dict) -> dict:
        return {"created_by_id": self.by.pk if self.by else item["account"].owner_id}
