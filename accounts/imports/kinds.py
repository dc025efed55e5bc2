"""Every kind of file the import takes, in one place: its columns, an example row for the
template, who may import it, and how it runs. The commands, the upload page and the
worker all read this table."""

from collections.abc import Callable
from dataclasses import dataclass

from kamcrm.models import User

from .accounts import ACCOUNT_COLUMNS, import_accounts
from .deals import ActivityImport, OpportunityImport
from .people import StakeholderImport
from .reading import Columns, Table
from .report import ImportReport
from .revenue import REVENUE_COLUMNS, import_revenue
from .users import TEAM_COLUMNS, USER_COLUMNS, import_teams, import_users


@dataclass(frozen=True)
class Options:
    by: User | None = None  # whose rights limit the import; None: a command, no limit
    default_owner: User | None = None
    dry_run: bool = False
    progress: Callable[[str], None] | None = None


@dataclass(frozen=True)
class ImportType:
    columns: Columns
    example: dict[str, str]
    run: Callable[[Table, Options], ImportReport]
    admins_only: bool = False


TYPES: dict[str, ImportType] = {
    "accounts": ImportType(
        ACCOUNT_COLUMNS,
        {
            "external_id": "SCG",
            "name": "Siam Cement Group",
            "currency": "THB",
            "parent_external_id": "",
            "potential": "900000000.00",
            "owner_username": "",
            "industry": "Building materials",
            "country": "Thailand",
            "employees": "54000",
            "website": "https://www.scg.com",
            "account_type": "breadwinner",
        },
        lambda table, o: import_accounts(
            table, by=o.by, default_owner=o.default_owner, dry_run=o.dry_run
        ),
    ),
    "revenue": ImportType(
        REVENUE_COLUMNS,
        {
            "account_external_id": "SCG",
            "date": "2026-01-15",
            "amount": "1000000.50",
            "currency": "THB",
            "external_ref": "INV-2026-0001",
            "product_line": "",
        },
        lambda table, o: import_revenue(table, by=o.by, dry_run=o.dry_run, progress=o.progress),
    ),
    "stakeholders": ImportType(
        StakeholderImport.columns,
        {
            "account_external_id": "SCG",
            "external_id": "P-17",
            "name": "Khun Malee",
            "title": "Plant manager",
            "department": "Operations",
            "level": "management",
            "reports_to_external_id": "P-1",
            "email": "malee@example.com",
            "phone": "",
            "buying_role": "technical_evaluator",
            "attitude": "supporter",
            "relationship_closeness": "4",
            "solution_acceptance": "5",
            "price_acceptance": "2",
            "last_contact": "2026-11-20",
            "notes": "",
        },
        lambda table, o: StakeholderImport(table, by=o.by).run(dry_run=o.dry_run),
    ),
    "opportunities": ImportType(
        OpportunityImport.columns,
        {
            "account_external_id": "SCG",
            "external_id": "OPP-301",
            "name": "Kiln sensors, plant 2",
            "stage": "Qualified",
            "amount": "2500000.00",
            "currency": "THB",
            "probability": "",
            "expected_close": "2027-03-31",
            "opportunity_type": "cross_sell",
            "product_line": "",
            "owner_username": "",
            "close_reason": "",
        },
        lambda table, o: OpportunityImport(table, by=o.by).run(dry_run=o.dry_run),
    ),
    "activities": ImportType(
        ActivityImport.columns,
        {
            "account_external_id": "SCG",
            "external_id": "ACT-9001",
            "kind": "meeting",
            "date": "2026-11-20",
            "summary": "Quarterly review with the plant manager",
            "next_step": "Send the sensor pilot proposal",
            "created_by_username": "",
        },
        lambda table, o: ActivityImport(table, by=o.by).run(dry_run=o.dry_run),
    ),
    "users": ImportType(
        USER_COLUMNS,
        {
            "username": "kam7",
            "email": "kam7@example.com",
            "role": "kam",
            "first_name": "Lan",
            "last_name": "Nguyen",
            "team": "North",
        },
        lambda table, o: import_users(table, dry_run=o.dry_run),
        admins_only=True,
    ),
    "teams": ImportType(
        TEAM_COLUMNS,
        {"name": "North", "director_username": "director1"},
        lambda table, o: import_teams(table, dry_run=o.dry_run),
        admins_only=True,
    ),
}
