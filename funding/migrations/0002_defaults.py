"""The rule parameters of funding with their defaults (funding/rules.py), the offices'
roles granted the funding permissions, and on PostgreSQL a trigger that refuses any
UPDATE or DELETE of a ledger entry (entries are only ever reversed)."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "经费、三务公开与社区工作准入（门户默认值）"
DAY = "2026-12-01"
ROWS = [
    ("funding.community_approval_limit", "20000", PORTAL, DAY),
    ("funding.street_approval_limit", "200000", PORTAL, DAY),
    ("funding.special_fund_yearly", "200000", PORTAL, DAY),
    ("funding.major_disclosure_days", "5", PORTAL, DAY),
    ("funding.quarter_disclosure_workdays", "10", PORTAL, DAY),
    ("funding.disclosure_alert_days", "3", PORTAL, DAY),
    ("funding.admission_lead_workdays", "30", PORTAL, DAY),
    ("funding.admission_review_workdays", "15", PORTAL, DAY),
    ("funding.venture_project_cap", "50000", PORTAL, DAY),
    ("funding.venture_min_months", "6", PORTAL, DAY),
    ("funding.venture_max_months", "12", PORTAL, DAY),
    ("funding.forbidden.office", "debts", PORTAL, DAY),
    ("funding.forbidden.special", "office,salaries,debts,government_funded", PORTAL, DAY),
    ("funding.forbidden.admitted", "debts", PORTAL, DAY),
    ("funding.forbidden.venture", "office,salaries,debts,government_funded", PORTAL, DAY),
    ("funding.forbidden.purchase", "debts", PORTAL, DAY),
    ("funding.forbidden.donation", "salaries,debts", PORTAL, DAY),
    ("funding.forbidden.self_raised", "debts", PORTAL, DAY),
]

TRIGGER = """
CREATE OR REPLACE FUNCTION funding_ledger_entry_immutable() RETURNS trigger AS $$
BEGIN
    -- The tier columns follow the net when a node moves (grid.scoping); nothing else moves.
    IF TG_OP = 'UPDATE' AND (
        NEW.id, NEW.fund_id, NEW.project_id, NEW.expenditure_id, NEW.kind, NEW.debit,
        NEW.credit, NEW.amount, NEW.category, NEW.counterparty, NEW.memo, NEW.reverses_id,
        NEW.booked_on, NEW.booked_at, NEW.booked_by_id
    ) IS NOT DISTINCT FROM (
        OLD.id, OLD.fund_id, OLD.project_id, OLD.expenditure_id, OLD.kind, OLD.debit,
        OLD.credit, OLD.amount, OLD.category, OLD.counterparty, OLD.memo, OLD.reverses_id,
        OLD.booked_on, OLD.booked_at, OLD.booked_by_id
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a ledger entry is never edited or deleted: reverse it';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS funding_ledger_entry_immutable ON funding_ledgerentry;
CREATE TRIGGER funding_ledger_entry_immutable BEFORE UPDATE OR DELETE ON funding_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funding_ledger_entry_immutable();
"""

UNTRIGGER = """
DROP TRIGGER IF EXISTS funding_ledger_entry_immutable ON funding_ledgerentry;
DROP FUNCTION IF EXISTS funding_ledger_entry_immutable();
"""


def forwards(apps, schema_editor):
    from funding.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_defaults(apps, schema_editor, ROWS)
    install_role_permissions(apps, ROLE_PERMISSIONS)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNTRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("rules", "0001_initial"),
        ("grid", "0021_request_place_unmatched"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
