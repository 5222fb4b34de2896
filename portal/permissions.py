"""Who may do what: the role sets of the registry and a DRF permission built from them.

Reads need a staff account bound to a region (every queryset is then scoped by
`portal.access.scope_to_region`); writes need one of the roles named.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.models import Role

# Least privilege in the registry (the admin, the API and the services read these same sets):
# - enterprises, natural persons and their appointments are registration facts that carry rules
#   (a removal by law, the three-year ban of 第十五条): administrators and enforcement officers keep
#   them; inspectors, reviewers and officials read them (ID numbers masked);
# - products: also reviewers, who name the product when they assign a task; inspectors record what
#   they sampled on the sampling record itself and need no product record of their own.
REGISTRY_EDITORS: tuple[str, ...] = (Role.ADMINISTRATOR, Role.ENFORCEMENT)
PRODUCT_EDITORS: tuple[str, ...] = (Role.ADMINISTRATOR, Role.ENFORCEMENT, Role.REVIEWER)
# Licences and their status events (第十一条, 第十五条): enforcement officers and administrators.
LICENCE_EDITORS: tuple[str, ...] = (Role.ADMINISTRATOR, Role.ENFORCEMENT)
# The catalogue, standards, institutions and accounts: administrators only.
ADMINISTRATORS: tuple[str, ...] = (Role.ADMINISTRATOR,)
# Spot checks (第十四条): who plans and assigns, who samples and enters results, who reviews, who
# records custody, and who may use the spot-check pages and API at all.
PLANNERS: tuple[str, ...] = (Role.REVIEWER, Role.OFFICIAL, Role.ADMINISTRATOR)
SAMPLERS: tuple[str, ...] = (Role.INSPECTOR,)
REVIEWERS: tuple[str, ...] = (Role.REVIEWER,)
CUSTODIANS: tuple[str, ...] = (Role.INSPECTOR, Role.REVIEWER)
SPOTCHECK_STAFF: tuple[str, ...] = (Role.INSPECTOR, Role.REVIEWER, Role.OFFICIAL, Role.ADMINISTRATOR)
# The audit trail in the admin: administrators and officials.
AUDIT_READERS: tuple[str, ...] = (Role.ADMINISTRATOR, Role.OFFICIAL)
# Inspection exemptions (第十六条): who records applications, who designates (an official, of a
# provincial authority: the service checks the level), who revokes on a quality problem.
EXEMPTION_CLERKS: tuple[str, ...] = (Role.REVIEWER, Role.OFFICIAL, Role.ADMINISTRATOR)
EXEMPTION_DESIGNATORS: tuple[str, ...] = (Role.OFFICIAL,)
EXEMPTION_REVOKERS: tuple[str, ...] = (Role.OFFICIAL, Role.ENFORCEMENT)
EXEMPTION_STAFF: tuple[str, ...] = (*EXEMPTION_CLERKS, Role.ENFORCEMENT)
# Quarterly announcements and corrections (第十四条、第二十一条): officials and administrators.
PUBLISHERS: tuple[str, ...] = (Role.OFFICIAL, Role.ADMINISTRATOR)
# Reports to government (第二十五条): who generates them and reads the bureau's issued documents.
REPORTERS: tuple[str, ...] = (Role.OFFICIAL, Role.ADMINISTRATOR)
# Who may read a resident ID number in full (the authorised staff view).
ID_NUMBER_READERS: tuple[str, ...] = (Role.ADMINISTRATOR, Role.ENFORCEMENT)


def is_staff_member(user: Any) -> bool:
    """An authenticated account that holds a region or is a superuser, and at least one role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.region_id is not None and bool(user.roles)


def can_read_id_numbers(user: Any) -> bool:
    return is_staff_member(user) and user.has_role(*ID_NUMBER_READERS)


def HasRole(*write_roles: str, read_roles: tuple[str, ...] | None = None) -> type[BasePermission]:  # noqa: N802
    """A permission class: staff may read; unsafe methods need one of `write_roles`.

    `read_roles` narrows reading to some roles too (None: any staff member).
    Use: `permission_classes = [HasRole(Role.ADMINISTRATOR, Role.ENFORCEMENT)]`.
    """

    class _HasRole(BasePermission):
        message = _("您的角色无权执行此操作。")

        def has_permission(self, request: Any, view: Any) -> bool:
            user = request.user
            if not is_staff_member(user):
                self.message = _("只有绑定行政区划并具有角色的工作人员才能访问。")
                return False
            if request.method in SAFE_METHODS:
                return read_roles is None or user.has_role(*read_roles)
            return bool(write_roles) and user.has_role(*write_roles)

    _HasRole.__name__ = "HasRole_" + "_".join(str(r) for r in write_roles) if write_roles else "ReadOnlyStaff"
    return _HasRole


ReadOnlyStaff = HasRole()
