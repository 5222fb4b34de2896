"""The one staff navigation: every staff page shows the same menu, with what the user's roles allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.permissions import EXEMPTION_STAFF, PLANNERS, PUBLISHERS, REPORTERS, REVIEWERS, SAMPLERS, is_staff_member


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    roles: tuple[str, ...] | None = None  # None: every staff member


MENU: tuple[MenuItem, ...] = (
    MenuItem(_("工作台"), "staff-home"),
    MenuItem(_("我的任务"), "supervision:my-tasks", SAMPLERS),
    MenuItem(_("待录入结果"), "supervision:to-enter", SAMPLERS),
    MenuItem(_("全部任务"), "supervision:task-list"),
    MenuItem(pgettext_lazy("plural", "抽查计划"), "supervision:plan-list"),
    MenuItem(_("下达抽查任务"), "supervision:task-create", PLANNERS),
    MenuItem(_("待审核"), "supervision:review-list", REVIEWERS),
    MenuItem(_("异议期内"), "supervision:awaiting-deadline"),
    MenuItem(_("最终结果"), "supervision:final-list"),
    MenuItem(_("批量导入"), "supervision:import-page", SAMPLERS),
    MenuItem(_("结果公告发布"), "publication:home", PUBLISHERS),
    MenuItem(_("免检产品"), "exemptions:index", EXEMPTION_STAFF),
    MenuItem(_("工作报告"), "reports:home", REPORTERS),
)


def staff_menu(user: Any, path: str) -> list[dict[str, Any]]:
    """The menu entries this user may use, the current page marked."""
    if not is_staff_member(user):
        return []
    entries = []
    for item in MENU:
        if item.roles is not None and not user.has_role(*item.roles):
            continue
        url = reverse(item.url_name)
        entries.append({"label": item.label, "url": url, "current": path == url, "name": item.url_name})
    if user.is_staff:
        url = reverse("admin:index")
        entries.append({"label": _("系统管理"), "url": url, "current": path.startswith(url), "name": "admin:index"})
    return entries


def staff_navigation(request: Any) -> dict[str, Any]:
    """Context processor: `staff_menu` on every page a staff member sees."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return {"staff_menu": staff_menu(user, request.path)}
