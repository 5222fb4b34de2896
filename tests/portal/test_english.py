"""English is a full second translation: with English chosen, the page chrome (headings, labels, buttons,
navigation, messages) carries no Chinese; only data (enterprise, product, region and people names, stored
notices) stays as it was entered. Chinese remains the default."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real
from stdnum.cn import ric

from portal.models import User
from supervision.models import Appointment, Notice, Person, Sample
from supervision.spotchecks import services
from tests.supervision.spotcheck_factory import (
    ITEMS_ONE_FAIL,
    SAMPLING_RECORD,
    approve,
    make_plan,
    make_task,
    record_sample,
)

pytestmark = pytest.mark.django_db

# Ideographs and Chinese punctuation (、。《》【】 and full-width forms such as （）：；，).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
ATTRS = ("title", "aria-label", "placeholder", "alt")


class _Chrome(HTMLParser):
    """Visible text and labelling attributes, minus scripts and the parts marked lang="zh-Hans"
    (the language switch names Chinese in Chinese on purpose)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        skip = tag in ("script", "style") or (a.get("lang") or "").lower().startswith("zh")
        if not skip and not self._hidden():
            self.texts.extend(v for k, v in attrs if k in ATTRS and v)
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden():
            self.texts.extend(v for k, v in attrs if k in ATTRS and v)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.texts.append(data.strip())


def data_values() -> list[str]:
    """Every Chinese text stored in the database (names, addresses, titles, notices, people), longest
    first, except texts that are also msgids of the catalogue: those are chrome and must be translated."""
    msgids = set(trans_real.translation("en")._catalog.keys())
    found: set[str] = set()
    wanted = [*apps.get_app_config("supervision").get_models(), User]
    for model in wanted:
        names = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "password"
        ]
        for row in model.objects.values_list(*names):
            for value in row:
                if value and CJK.search(str(value)):
                    for part in re.split(r"\n", str(value)):
                        if part.strip() and part.strip() not in msgids:
                            found.add(part.strip())
    return sorted(found, key=len, reverse=True)


def untranslated(html: str) -> list[str]:
    """The Chinese left in the chrome of an English page, once data values are taken out."""
    parser = _Chrome()
    parser.feed(html)
    data = data_values()
    pattern = re.compile("|".join(re.escape(v) for v in data)) if data else None
    left = []
    for text in parser.texts:
        rest = pattern.sub("", text) if pattern else text
        if CJK.search(rest):
            left.append(text)
    return left


def english(client, url: str, **params) -> str:
    response = client.get(url, params, headers={"accept-language": "en"})
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en"' in html
    return html


@pytest.fixture
def published(make_result, kettle_category, enterprise):
    person = Person.objects.create(
        name="张三丰", id_number="44010619850312123" + ric.calc_check_digit("440106198503121230")
    )
    Appointment.objects.create(person=person, enterprise=enterprise, role="legal_rep", start=dt.date(2020, 1, 1))
    fail = make_result(
        verdict="fail",
        enterprise=enterprise,
        enterprise_name=enterprise.name,
        focus=True,
        region="440106",
        responsible_persons=[{"role": "legal_rep", "name": "张三丰"}],  # fixed at publication
    )
    make_result(verdict="pass", region="440106")
    return fail


@pytest.fixture
def notified_sample(reviewer, inspector, inspector2, kettle_category, enterprise, lab) -> Sample:
    today = timezone.localdate()
    plan = make_plan(reviewer, kettle_category, year=today.year, quarter=(today.month - 1) // 3 + 1)
    task = make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=today)
    sample = services.sample_record(
        actor=inspector,
        task=task,
        samplers=[inspector, inspector2],
        sampled_on=today,
        **{**SAMPLING_RECORD, "place": "二号仓库甲区"},
    )
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today)
    return sample


def test_it_serves_chinese_by_default(client, published):
    html = client.get(reverse("public-home")).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "查询抽查结果" in html and "Search spot-check results" not in html


def test_it_switches_to_english_and_back_with_the_language_form(client, published):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("public-home")).content.decode()
    assert '<html lang="en"' in html and "Search spot-check results" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "查询抽查结果" in client.get(reverse("public-home")).content.decode()


@pytest.mark.parametrize(
    ("name", "args", "params", "words"),
    [
        ("public-home", [], {}, ["Search spot-check results", "Latest announcements", "Staff login"]),
        ("public-search", [], {"pass": "1"}, ["Keywords", "Include passed results", "Export CSV", "Whole province"]),
        ("public-stats", [], {}, ["Supervision spot-check pass rates", "Pass rate", "By product category"]),
        ("public-catalogue", [], {}, ["Supervision spot-check product catalogue", "Focus:", "Standards: "]),
        ("public-category", ["0101"], {}, ["User satisfaction index", "Take the survey", "Mandatory"]),
        ("public-exposure", [], {}, ["Public exposure of failed priority products", "Legal representative: 张三丰"]),
        ("public-announcements", [], {}, ["Subscribe to announcements (Atom)", "Announcement"]),
        ("login", [], {}, ["Username", "Password", "Log in"]),
    ],
)
def test_it_renders_public_pages_in_english(client, published, name, args, params, words):
    html = english(client, reverse(name, args=args), **params)
    for word in words:
        assert word in html, word
    assert untranslated(html) == []


def test_it_renders_a_result_an_enterprise_and_an_announcement_in_english(client, published):
    html = english(client, reverse("public-result", args=[published.pk]))
    assert "Failed items" in html and "Testing institution" in html and ">Fail<" in html
    assert untranslated(html) == []
    html = english(client, reverse("public-enterprise", args=[published.enterprise.uscc]))
    assert "Unified social credit code (USCC): " in html
    assert untranslated(html) == []
    html = english(client, reverse("public-announcement", args=[published.announcement.number]))
    assert "Announcement number: " in html and "Published at: " in html and " in total" in html
    assert untranslated(html) == []


def test_it_renders_the_staff_pages_in_english(client, reviewer, inspector, notified_sample):
    client.force_login(reviewer)
    html = english(client, reverse("staff-home"))
    assert "Dashboard" in html and "Test reports awaiting review" in html and "Reviewer" in html
    assert untranslated(html) == []
    html = english(client, reverse("supervision:task-list"))
    assert "Tasks" in html and "Sort by" in html and "Inspected party (Z–A)" in html
    assert untranslated(html) == []
    html = english(client, reverse("supervision:plan-create"))
    assert "Save plan" in html and "[Priority: " in html and "spot checks: " in html
    assert untranslated(html) == []
    html = english(client, reverse("supervision:sample-detail", args=[notified_sample.code]))
    for word in ("Sampling record", "Objection period until", "Failed items", "History", "Section 14", "Seal"):
        assert word in html, word
    assert untranslated(html) == []
    html = english(client, reverse("supervision:final-list"))
    assert untranslated(html) == []
    client.force_login(inspector)
    html = english(client, reverse("supervision:my-tasks"))
    assert "My tasks" in html
    assert untranslated(html) == []


def test_it_renders_the_sampling_form_its_errors_and_the_admin_in_english(
    client, inspector, inspector2, reviewer, official, administrator, kettle_category, enterprise, lab
):
    today = timezone.localdate()
    plan = make_plan(reviewer, kettle_category, year=today.year)
    task = make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=today)
    client.force_login(inspector)
    url = reverse("supervision:sample-record", args=[task.pk])
    html = english(client, url)
    for word in ("Samplers, time and place", "Sample information", "Save sampling record", "Lot size"):
        assert word in html, word
    assert untranslated(html) == []
    data = {"samplers": [str(inspector.pk)], "sampled_on": today.isoformat(), "place_kind": "finished_store"}
    response = client.post(url, data, headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 200 and "Please correct the fields marked in red" in html
    assert untranslated(html) == []
    client.force_login(official)
    html = english(client, reverse("publication:home"))
    for word in ("Publish quarterly announcement", "Q4", "Correct this result", "Published announcements"):
        assert word in html, word
    assert untranslated(html) == []
    client.force_login(administrator)
    html = english(client, reverse("admin:index"))
    assert "Product Quality Supervision Spot-Check Portal administration" in html and "Administration" in html
    assert untranslated(html) == []


def test_it_puts_an_english_row_message_beside_the_cell_it_names(
    client, inspector, inspector2, reviewer, kettle_category, enterprise, lab
):
    # A translated message keeps its place: the page places a row error by its location, not its words.
    from tests.supervision.spotchecks.test_views import items_post

    today = timezone.localdate()
    plan = make_plan(reviewer, kettle_category, year=today.year)
    task = make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=today)
    sample = record_sample(inspector, task, [inspector, inspector2], sampled_on=today)
    client.force_login(inspector)
    data = items_post([{"name": "标志和说明", "measured": "", "verdict": "pass"}, {"name": "发热", "measured": "9"}])
    response = client.post(
        reverse("supervision:report-entry", args=[sample.code]), data, headers={"accept-language": "en"}
    )
    html = response.content.decode()
    assert re.search(r'id="id_items-0-measured_error"[^>]*><li>Item 1: Please enter the measured value', html), html
    assert re.search(r'id="id_items-1-verdict_error"[^>]*><li>Item 2: ', html)


def test_it_serves_the_notice_in_chinese_when_approved_from_an_english_page(
    client, inspector, inspector2, reviewer, kettle_category, enterprise, lab
):
    today = timezone.localdate()
    plan = make_plan(reviewer, kettle_category, year=today.year)
    task = make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=today)
    sample = services.sample_record(
        actor=inspector,
        task=task,
        samplers=[inspector, inspector2],
        sampled_on=today - dt.timedelta(days=1),
        **{**SAMPLING_RECORD, "place": "二号仓库甲区"},
    )
    report = services.report_save_items(
        actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL, report_no="R-1", tested_on=today
    )
    services.report_submit(actor=inspector, report=report)
    client.force_login(reviewer)
    url = reverse("supervision:report-review", args=[sample.code])
    response = client.post(url, {"action": "approve", "confirm": "1"}, headers={"accept-language": "en"})
    assert response.status_code == 302
    body = Notice.objects.get(sample=sample).body
    assert "检验结论为：不合格" in body and "Tested by" not in body


def test_it_reaches_the_admins_selection_widgets_in_english(client, administrator, inspector):
    from tests.conftest import make_user

    # the permission names Django stored in Chinese at migration time are shown in the reader's language
    # (the groups and permissions widgets are a superuser's: regional administrators work with roles)
    client.force_login(make_user("root", None, is_superuser=True, is_staff=True))
    html = english(client, reverse("admin:auth_group_add"))
    assert "Can add Audit record" in html and "Can view Enterprise" in html
    assert untranslated(html) == []
    html = english(client, reverse("admin:portal_user_change", args=[inspector.pk]))
    assert "Can change Licence / certificate" in html
    assert "可新增" not in html and "Can add 审计记录" not in html
    client.force_login(administrator)
    # and the institution's status column of the list
    from supervision.models import Institution, Region

    Institution.objects.create(
        name="某检验所",
        accreditation_no="CMA-EN-1",
        region=Region.objects.get(code="440100"),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2030, 1, 1),
    )
    assert ">Valid<" in english(client, reverse("admin:supervision_institution_changelist"))


def test_it_shows_an_announcements_fixed_sentences_in_english_and_says_the_chinese_text_is_official(
    client, official, make_announcement
):
    announcement = make_announcement(
        year=2026,
        quarter=2,
        region="440100",
        title="广州市2026年第2季度产品质量监督抽查结果公告",
        body="依据国发〔1999〕24号第十四条、第二十一条，现将截至2026-06-30抽样、结论已生效的监督抽查结果予以公告。",
    )
    html = english(client, reverse("public-announcement", args=[announcement.number]))
    assert "广州市 Q2 2026 product quality supervision spot-check announcement" in html
    assert "as published" in html and 'lang="zh-Hans"' in html
    assert untranslated(html) == []
    listing = english(client, reverse("public-announcements"))
    assert "Q2 2026 product quality supervision spot-check announcement" in listing
    assert untranslated(listing) == []
    chinese = client.get(reverse("public-announcement", args=[announcement.number])).content.decode()
    assert "<h1>广州市2026年第2季度产品质量监督抽查结果公告</h1>" in chinese and "issued-in-chinese" not in chinese


def test_it_shows_no_internal_rule_codes_in_any_message():
    # R1–R14 are the project's labels for its rules (docs/rules.md); a user reads clauses, never them
    catalog = trans_real.translation("en")._catalog
    coded = [k for k in catalog.keys() if isinstance(k, str) and re.search(r"[（(]R\d{1,2}[）)]", k)]  # noqa: SIM118 - a TranslationCatalog iterates by index
    assert coded == []
