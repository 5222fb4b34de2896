from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.access import scope_to_region
from portal.permissions import PLANNERS, PUBLISHERS, REVIEWERS, SAMPLERS
from portal.typing import AuthedHttpRequest
from supervision.spotchecks import selectors as spotcheck_selectors
from supervision.spotchecks.models import ReportStatus, TestReport
from supervision.spotchecks.services import EDITABLE_REPORT_STATUSES


@login_required
def staff_home(request: AuthedHttpRequest) -> HttpResponse:
    """The staff dashboard: what waits for this user, by role, with links to each list."""
    user = request.user
    today = timezone.localdate()
    is_inspector = user.has_role(*SAMPLERS)
    is_reviewer = user.has_role(*REVIEWERS)
    context = {
        "is_inspector": is_inspector,
        "is_reviewer": is_reviewer,
        "is_organiser": user.has_role(*PLANNERS),
        "is_publisher": user.has_role(*PUBLISHERS),
        "my_tasks": spotcheck_selectors.tasks_for(user).count() if is_inspector else None,
        "to_enter": scope_to_region(
            TestReport.objects.filter(status__in=EDITABLE_REPORT_STATUSES, sample__refused=False),
            user,
            "sample__region",
        ).count()
        if is_inspector
        else None,
        "returned": scope_to_region(
            TestReport.objects.filter(status=ReportStatus.RETURNED), user, "sample__region"
        ).count()
        if is_inspector
        else None,
        "awaiting_review": spotcheck_selectors.awaiting_review(user).count() if is_reviewer else None,
        "awaiting_deadline": spotcheck_selectors.awaiting_objection_deadline(user, today).count(),
        "final_results": spotcheck_selectors.final_results(user, today).count(),
    }
    return render(request, "staff/home.html", context)
