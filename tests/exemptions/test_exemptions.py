"""第十六条 inspection exemptions on their boundaries: eligibility explained, designation, exclusion
from checks, instant revocation, expiry, and the switch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from exemptions import selectors
from exemptions import services as exemptions
from exemptions.models import Exemption, ExemptionEvent, ExemptionEventKind, RevocationGround
from portal.models import AuditAction, AuditEvent
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.models import PlanLevel
from supervision.spotchecks import services
from tests.supervision.spotcheck_factory import make_plan, png_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
D = dt.date
PROV, CITY = PlanLevel.PROVINCIAL, PlanLevel.CITY
TODAY = D(2026, 11, 26)


def conditions(product, as_of=TODAY) -> dict[str, selectors.Condition]:
    return {c.key: c for c in selectors.eligibility(product, as_of=as_of).conditions}


# ---------------------------------------------------------------- eligibility, condition by condition


def test_it_needs_three_passes_not_two(checked, kettle, apply):
    checked(PROV, D(2025, 1, 10))
    checked(PROV, D(2025, 8, 10))
    apply()
    found = conditions(kettle)
    assert not found["passes"].met and "2次" in found["passes"].why
    assert [r.sampled_on for r in found["passes"].results] == [D(2025, 8, 10), D(2025, 1, 10)]
    checked(PROV, D(2026, 3, 10))
    assert conditions(kettle)["passes"].met


def test_it_counts_passes_after_a_provincial_failure_only(checked, kettle):
    checked(PROV, D(2023, 6, 10))
    checked(PROV, D(2024, 1, 10), passed=False)  # outside the 24-month stability period
    checked(PROV, D(2025, 1, 10))
    checked(PROV, D(2025, 8, 10))
    found = conditions(kettle)
    assert found["stability"].met
    assert not found["passes"].met
    assert "2024-01-10" in found["passes"].why and "不合格" in found["passes"].why


def test_it_lets_a_city_failure_between_neither_make_nor_break_the_chain(checked, kettle, settings):
    checked(PROV, D(2024, 6, 10))
    checked(CITY, D(2025, 3, 10), passed=False)
    checked(PROV, D(2025, 6, 10))
    checked(PROV, D(2026, 1, 10))
    found = conditions(kettle)
    assert found["passes"].met  # the city failure does not break the provincial chain
    assert not found["stability"].met and "2025-03-10" in found["stability"].why  # but stability decides
    settings.EXEMPTION_STABILITY_MONTHS = 18  # the failure is now older than the period
    assert conditions(kettle)["stability"].met


@pytest.mark.parametrize(("share", "met"), [("9.99", False), ("10.00", True)])
def test_it_compares_the_declared_market_share_with_the_setting(kettle, apply, share, met):
    apply(share=share)
    assert conditions(kettle)["market_share"].met is met


def test_it_needs_the_standard_confirmed_by_a_reviewer(kettle, apply, reviewer, provincial_official):
    application = apply(confirm=False)
    assert not conditions(kettle)["standard"].met
    with pytest.raises(PermissionDenied):  # the one who recorded it does not confirm it
        exemptions.application_confirm_standard(actor=provincial_official, application=application)
    exemptions.application_confirm_standard(actor=reviewer, application=application)
    assert conditions(kettle)["standard"].met


def test_it_refuses_evidence_of_another_type(provincial_official, kettle):
    with pytest.raises(ValidationError) as exc:
        exemptions.application_record(
            actor=provincial_official,
            product=kettle,
            applied_on=TODAY,
            market_share="15",
            enterprise_standard="Q/TH 1",
            standard_comparison="严于国标",
            evidence=[(SimpleUploadedFile("a.txt", b"plain text"), "说明")],
        )
    assert "只接受PDF、JPEG或PNG" in exc.value.message_dict["evidence"][0]


# ---------------------------------------------------------------- designation and exclusion


@pytest.fixture
def eligible(checked, apply, kettle):
    for day in (D(2024, 6, 10), D(2025, 1, 10), D(2025, 8, 10)):
        checked(PROV, day)
    return apply()


def test_it_refuses_a_designation_naming_the_unmet_condition(checked, apply, provincial_official):
    checked(PROV, D(2025, 8, 10))
    application = apply()
    with pytest.raises(ValidationError) as exc:
        exemptions.exemption_designate(actor=provincial_official, application=application, today=TODAY)
    assert "不符合免检条件“连续三次以上国家或省级抽查合格”" in exc.value.messages[0]
    assert not Exemption.objects.exists()


def test_it_lets_only_a_provincial_official_designate(eligible, official):
    with pytest.raises(PermissionDenied, match="省级以上"):
        exemptions.exemption_designate(actor=official, application=eligible, today=TODAY)


def test_it_designates_for_three_years_with_an_issued_certificate(eligible, provincial_official):
    exemption = exemptions.exemption_designate(actor=provincial_official, application=eligible, today=TODAY)
    assert (exemption.valid_from, exemption.valid_to) == (TODAY, D(2029, 11, 25))
    assert exemption.certificate_no == "粤免检〔2026〕0001号"
    document = IssuedDocument.objects.get(kind=DocumentKind.EXEMPTION_CERTIFICATE)
    assert exemption.certificate == document and document.number.startswith("粤质监〔2026〕")
    assert AuditEvent.objects.filter(action=AuditAction.EXEMPTION_DESIGNATED, clause="第十六条").exists()


def test_it_refuses_a_task_on_the_last_day_and_allows_it_the_day_after(
    eligible, provincial_official, reviewer, kettle, kettle_category, lab, team
):
    exemption = exemptions.exemption_designate(actor=provincial_official, application=eligible, today=TODAY)
    plan = make_plan(reviewer, kettle_category)
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=reviewer, plan=plan, enterprise=kettle.enterprise, category=kettle_category,
            institution=lab, samplers=team, product=kettle, today=exemption.valid_to,
        )  # fmt: skip
    message = exc.value.message_dict["product"][0]
    assert exemption.certificate_no in message and "2029-11-25" in message and "第十六条" in message
    task = services.task_create(
        actor=reviewer, plan=plan, enterprise=kettle.enterprise, category=kettle_category,
        institution=lab, samplers=team, product=kettle, today=exemption.valid_to + dt.timedelta(days=1),
    )  # fmt: skip
    assert task.pk


def test_it_records_the_expiry_the_day_after_the_period_once(eligible, provincial_official):
    exemption = exemptions.exemption_designate(actor=provincial_official, application=eligible, today=TODAY)
    assert exemptions.exemptions_sweep(today=exemption.valid_to)["expired"] == 0
    assert exemptions.exemptions_sweep(today=exemption.valid_to + dt.timedelta(days=1))["expired"] == 1
    assert exemptions.exemptions_sweep(today=exemption.valid_to + dt.timedelta(days=2))["expired"] == 0
    event = ExemptionEvent.objects.get(kind=ExemptionEventKind.EXPIRED)
    assert event.on == D(2029, 11, 26) and exemption.status_on(D(2029, 11, 26)) == "expired"
    assert Exemption.objects.filter(pk=exemption.pk).exists()  # nothing is deleted


# ---------------------------------------------------------------- instant revocation


def test_it_revokes_in_the_same_act_when_a_reinspection_confirms_a_failure(
    checked, apply, kettle, provincial_official, reviewer, second_lab, settings
):
    for day in (D(2024, 6, 10), D(2025, 1, 10), D(2025, 8, 10)):
        checked(PROV, day)
    failing = checked(CITY, D(2026, 11, 10), passed=False)  # approved 11-12: not final yet
    objection = services.objection_file(
        actor=reviewer, sample=failing, reason="异议", filed_on=D(2026, 11, 14), today=D(2026, 11, 14)
    )
    exemption = exemptions.exemption_designate(actor=provincial_official, application=apply(), today=TODAY)
    services.reinspection_record(
        actor=reviewer,
        objection=objection,
        institution=second_lab,
        decided_on=D(2026, 11, 27),
        verdict="fail",
        failed_items="泄漏电流和电气强度",
        seal_photo=png_file(),
    )
    revoked = ExemptionEvent.objects.get(exemption=exemption, kind=ExemptionEventKind.REVOKED)
    assert (revoked.on, revoked.ground) == (D(2026, 11, 27), RevocationGround.FAILURE)
    assert failing.code in revoked.reason
    assert exemption.status_on(D(2026, 11, 27)) == "revoked"
    assert [e.kind for e in exemption.events.order_by("id")] == ["designated", "revoked"]  # history kept


def test_it_revokes_by_hand_for_a_confirmed_complaint_and_the_product_can_be_checked_at_once(
    eligible, provincial_official, enforcement_officer, reviewer, kettle, kettle_category, lab, team
):
    exemption = exemptions.exemption_designate(actor=provincial_official, application=eligible, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        exemptions.exemption_revoke(actor=enforcement_officer, exemption=exemption, ground="", reason="")
    assert set(exc.value.message_dict) == {"ground", "reason"}
    exemptions.exemption_revoke(
        actor=enforcement_officer, exemption=exemption, ground=RevocationGround.COMPLAINT, reason="投诉属实"
    )
    from django.utils import timezone

    plan = make_plan(reviewer, kettle_category)
    assert services.task_create(
        actor=reviewer, plan=plan, enterprise=kettle.enterprise, category=kettle_category,
        institution=lab, samplers=team, product=kettle, today=timezone.localdate(),
    ).pk  # fmt: skip


def test_it_revokes_in_the_daily_sweep_when_a_failure_became_final(checked, apply, provincial_official, kettle):
    for day in (D(2024, 6, 10), D(2025, 1, 10), D(2025, 8, 10)):
        checked(PROV, day)
    failing = checked(CITY, D(2026, 11, 10), passed=False)  # final on 11-28 (notified 11-12)
    exemption = exemptions.exemption_designate(actor=provincial_official, application=apply(), today=TODAY)
    assert exemptions.exemptions_sweep(today=D(2026, 11, 27))["revoked"] == 0
    assert exemptions.exemptions_sweep(today=D(2026, 11, 28))["revoked"] == 1
    assert failing.code in exemption.events.get(kind="revoked").reason


# ---------------------------------------------------------------- the switch


def test_it_excludes_no_check_and_designates_nothing_when_switched_off(
    eligible, provincial_official, reviewer, kettle, kettle_category, lab, team, settings
):
    exemption = exemptions.exemption_designate(actor=provincial_official, application=eligible, today=TODAY)
    settings.EXEMPTIONS_ENABLED = False
    plan = make_plan(reviewer, kettle_category)
    assert services.task_create(
        actor=reviewer, plan=plan, enterprise=kettle.enterprise, category=kettle_category,
        institution=lab, samplers=team, product=kettle, today=exemption.valid_from,
    ).pk  # fmt: skip
    with pytest.raises(ValidationError, match="免检制度未启用"):
        exemptions.exemption_designate(actor=provincial_official, application=eligible, today=TODAY)
