"""People at the customer, imported with their reporting lines and the three scores."""

from django.utils.translation import gettext as _

from ..models import Stakeholder
from ..models.people import Attitude, BuyingRole, Seniority
from .reading import Columns
from .records import KEY, RecordImport, score
from .report import ImportReport, choice, field_value

BOSS = "reports_to_external_id"


class StakeholderImport(RecordImport[Stakeholder]):
    """People at the customer, with their reporting lines and the three scores."""

    model = Stakeholder
    noun = "stakeholder"
    columns = Columns(
        required=[*KEY, "name"],
        optional=[
            "title",
            "department",
            "level",
            BOSS,
            "email",
            "phone",
            "buying_role",
            "attitude",
            "relationship_closeness",
            "solution_acceptance",
            "price_acceptance",
            "last_contact",
            "notes",
        ],
        numbers=["relationship_closeness", "solution_acceptance", "price_acceptance"],
        dates=["last_contact"],
    )

    def _level(self, text: str) -> dict:
        return {"level": choice(Seniority, text) or Seniority.OPERATIONAL}

    def _buying_role(self, text: str) -> dict:
        return {"buying_role": choice(BuyingRole, text)}

    def _attitude(self, text: str) -> dict:
        return {"attitude": choice(Attitude, text) or Attitude.NEUTRAL}

    _relationship_closeness = score(Stakeholder, "relationship_closeness")
    _solution_acceptance = score(Stakeholder, "solution_acceptance")
    _price_acceptance = score(Stakeholder, "price_acceptance")

    def _last_contact(self, text: str) -> dict:
        return self._date_cell("last_contact", text, required=False)

    def _reports_to_external_id(self, text: str) -> dict:
        if text:
            field_value(Stakeholder, "external_id", text)
        return {}  # linked once every person has an id (after_write)

    def _read(self, line, row, report):
        item = super()._read(line, row, report)
        if item is not None and BOSS in self.table.present:
            item["boss"] = row[BOSS]
        return item

    def check_all(self, items: dict, report: ImportReport) -> None:
        if BOSS not in self.table.present:
            return
        wanted = {(i["account"].pk, i["boss"]) for i in items.values() if i["boss"]}
        stored = set(
            Stakeholder.objects.filter(
                account_id__in={a for a, _ in wanted}, external_id__in={b for _, b in wanted}
            ).values_list("account_id", "external_id")
        )
        for (account_id, external_id), item in items.items():
            boss = item["boss"]
            if not boss:
                continue
            if boss == external_id:
                report.error(item["line"], _("nobody reports to themselves"), BOSS)
            elif (account_id, boss) not in items and (account_id, boss) not in stored:
                report.error(
                    item["line"],
                    _("no person with this id at the same account, in the file or stored"),
                    BOSS,
                    boss,
                )
            seen, current = {external_id}, boss
            while (account_id, current) in items:
                if current in seen:
                    report.error(
                        item["line"],
                        _("reporting lines go round in a circle"),
                        BOSS,
                    )
                    break
                seen.add(current)
                current = items[(account_id, current)]["boss"]

    def after_write(self, items: dict, records: dict) -> list:
        if BOSS not in self.table.present:
            return []
        ids = {
            (s.account_id, s.external_id): s.pk
            for s in Stakeholder.objects.filter(account_id__in={k[0] for k in items})
            .exclude(external_id="")
            .only("pk", "account_id", "external_id")
        }
        moved = []
        for key, item in items.items():
            record, boss = records[key], item["boss"]
            target = ids.get((key[0], boss)) if boss else None
            if record.reports_to_id != target:
                record.reports_to_id = target
                moved.append(record)
        # Unhooked first, so no statement passes through a loop on the way.
        Stakeholder.objects.filter(pk__in=[r.pk for r in moved]).update(reports_to=None)
        Stakeholder.objects.bulk_update(moved, ["reports_to"], batch_size=1000)
        return moved
