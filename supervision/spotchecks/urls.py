"""Staff pages of the spot checks (under /staff/) and their REST API (under /api/spotcheck/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from supervision.spotchecks import api, views

app_name = "supervision"
urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/mine/", views.my_tasks, name="my-tasks"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:task_id>/sample/", views.sample_record, name="sample-record"),
    path("tasks/<int:task_id>/refusal/", views.sample_refusal, name="sample-refusal"),
    path("samples/to-enter/", views.to_enter_list, name="to-enter"),
    path("samples/awaiting-deadline/", views.awaiting_deadline_list, name="awaiting-deadline"),
    path("samples/final/", views.final_list, name="final-list"),
    path("samples/<str:code>/", views.sample_detail, name="sample-detail"),
    path("samples/<str:code>/label/", views.sample_label, name="sample-label"),
    path("samples/<str:code>/report.pdf", views.report_pdf, name="report-pdf"),
    path("samples/<str:code>/custody/", views.custody_add, name="custody-add"),
    path("samples/<str:code>/report/", views.report_entry, name="report-entry"),
    path("verdict-suggestion/", views.verdict_suggestion, name="verdict-suggestion"),
    path("samples/<str:code>/review/", views.report_review, name="report-review"),
    path("samples/<str:code>/objection/", views.objection_create, name="objection-create"),
    path("objections/<int:pk>/withdraw/", views.objection_withdraw, name="objection-withdraw"),
    path("objections/<int:pk>/reinspection/", views.reinspection_create, name="reinspection-create"),
    path("reviews/", views.review_list, name="review-list"),
    path("institutions/<int:pk>/reexamination/", views.institution_reexamination, name="institution-reexamination"),
    path("imports/", views.import_page, name="import-page"),
    path("imports/template.<str:fmt>", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_batch, name="import-batch"),
    path("imports/<int:pk>/progress.json", views.import_progress, name="import-progress"),
]

router = SimpleRouter()
router.register("spotcheck/plans", api.PlanViewSet, basename="spotcheck-plan")
router.register("spotcheck/tasks", api.TaskViewSet, basename="spotcheck-task")
router.register("spotcheck/samples", api.SampleViewSet, basename="spotcheck-sample")
router.register("spotcheck/objections", api.ObjectionViewSet, basename="spotcheck-objection")
router.register("spotcheck/imports", api.ImportViewSet, basename="spotcheck-import")
api_urlpatterns = router.urls
