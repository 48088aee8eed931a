"""The permissions of funding and the roles that hold them (installed into
``grid.RolePermission`` by the data migrations)."""

from enum import StrEnum

from grid.permissions import Role


class FundingPerm(StrEnum):
    VIEW_FUND = "funding.view_fund"
    ADD_FUND = "funding.add_fund"
    VIEW_ENTRY = "funding.view_ledgerentry"
    ADD_ENTRY = "funding.add_ledgerentry"  # book income, reverse an entry
    VIEW_PROJECT = "funding.view_project"
    ADD_PROJECT = "funding.add_project"
    CHANGE_PROJECT = "funding.change_project"
    FILE_PROJECT = "funding.file_project"  # the street's review and filing
    VIEW_EXPENDITURE = "funding.view_expenditure"
    ADD_EXPENDITURE = "funding.add_expenditure"
    CHANGE_EXPENDITURE = "funding.change_expenditure"  # pay, attach invoices
    APPROVE_EXPENDITURE = "funding.approve_expenditure"
    RECONCILE_EXPENDITURE = "funding.reconcile_expenditure"


_READ = {
    FundingPerm.VIEW_FUND,
    FundingPerm.VIEW_ENTRY,
    FundingPerm.VIEW_PROJECT,
    FundingPerm.VIEW_EXPENDITURE,
}
_WORKER = _READ | {
    FundingPerm.ADD_PROJECT,
    FundingPerm.CHANGE_PROJECT,
    FundingPerm.ADD_EXPENDITURE,
    FundingPerm.CHANGE_EXPENDITURE,
}
_SECRETARY = _WORKER | {FundingPerm.APPROVE_EXPENDITURE}
_STREET = _SECRETARY | {
    FundingPerm.ADD_FUND,
    FundingPerm.ADD_ENTRY,
    FundingPerm.FILE_PROJECT,
    FundingPerm.RECONCILE_EXPENDITURE,
}

ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _STREET,
    Role.STREET_ADMIN: _STREET,
    Role.COMMUNITY_SECRETARY: _SECRETARY,
    Role.COMMUNITY_WORKER: _WORKER,
}


class DisclosurePerm(StrEnum):
    VIEW = "funding.view_disclosure"
    ADD = "funding.add_disclosure"
    CHANGE = "funding.change_disclosure"  # publish a version, answer questions
    VIEW_VERSION = "funding.view_disclosureversion"
    VIEW_QUESTION = "funding.view_disclosurequestion"
    CHANGE_QUESTION = "funding.change_disclosurequestion"


_DISCLOSURE_READ = {DisclosurePerm.VIEW, DisclosurePerm.VIEW_VERSION, DisclosurePerm.VIEW_QUESTION}
DISCLOSURE_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: set(DisclosurePerm),
    Role.STREET_ADMIN: set(DisclosurePerm),
    Role.COMMUNITY_SECRETARY: set(DisclosurePerm),
    Role.COMMUNITY_WORKER: set(DisclosurePerm),
    Role.GRID_MEMBER: _DISCLOSURE_READ,
}
for _role, _perms in DISCLOSURE_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms


class AdmissionPerm(StrEnum):
    VIEW_APPLICATION = "funding.view_admissionapplication"
    DECIDE = "funding.decide_admissionapplication"
    VIEW_TASK = "funding.view_communitytask"
    CHANGE_TASK = "funding.change_communitytask"  # confirm funds, refuse
    ADD_TASK = "funding.add_communitytask"
    VIEW_BURDEN = "funding.view_burdenreport"
    ADD_BURDEN = "funding.add_burdenreport"


ADMISSION_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    # The county's admission office (the joint meeting) sees and decides everything.
    Role.COUNTY_ADMIN: set(AdmissionPerm),
    Role.STREET_ADMIN: {AdmissionPerm.VIEW_TASK, AdmissionPerm.VIEW_BURDEN},
    Role.COMMUNITY_SECRETARY: {
        AdmissionPerm.VIEW_TASK,
        AdmissionPerm.CHANGE_TASK,
        AdmissionPerm.ADD_TASK,
        AdmissionPerm.VIEW_BURDEN,
        AdmissionPerm.ADD_BURDEN,
    },
    Role.COMMUNITY_WORKER: {
        AdmissionPerm.VIEW_TASK,
        AdmissionPerm.ADD_TASK,
        AdmissionPerm.ADD_BURDEN,
    },
}
for _role, _perms in ADMISSION_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms


class VenturePerm(StrEnum):
    VIEW_CALL = "funding.view_venturecall"
    ADD_CALL = "funding.add_venturecall"
    CHANGE_CALL = "funding.change_venturecall"  # assign reviewers, rank, notice, agree
    VIEW_APPLICATION = "funding.view_ventureapplication"
    VIEW_REVIEW = "funding.view_venturereview"


VENTURE_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: set(VenturePerm),
    Role.STREET_ADMIN: set(VenturePerm),
    Role.COMMUNITY_SECRETARY: set(VenturePerm),
    Role.COMMUNITY_WORKER: {
        VenturePerm.VIEW_CALL,
        VenturePerm.VIEW_APPLICATION,
    },
}
for _role, _perms in VENTURE_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms
