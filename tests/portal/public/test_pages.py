"""Public pages: statistics (R10), exposure (第二十一条), catalogue (第十四条), satisfaction survey (第十二条)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.public.satisfaction import SATISFACTION_MIN_ANSWERS, satisfaction_index, satisfaction_record
from supervision.models import Field, PlanLevel, PublishedResult, SatisfactionResponse, Verdict
from supervision.publication.stats import RateRow, current_results, public_statistics

pytestmark = pytest.mark.django_db


def _row(rows: list[RateRow], key: str) -> RateRow:
    return next(r for r in rows if r.key == key)


# ---------------------------------------------------------------- statistics


def test_it_computes_pass_rates_from_published_rows(make_result, toy_category):
    for verdict in (Verdict.PASS, Verdict.PASS, Verdict.PASS, Verdict.FAIL):
        make_result(verdict=verdict)
    make_result(verdict=Verdict.FAIL_REFUSED, category=toy_category, region="440305", field=Field.CIRCULATION)

    stats = public_statistics()

    kettle = _row(stats.by_category, "0101")
    assert (kettle.batches, kettle.failures, kettle.rate) == (4, 1, Decimal("75.0"))
    toys = _row(stats.by_category, "0205")
    assert (toys.batches, toys.failures, toys.rate) == (1, 1, Decimal("0.0"))  # a refusal counts as a failure
    assert (stats.total.batches, stats.total.failures, stats.total.rate) == (5, 2, Decimal("60.0"))
    assert [(r.key, r.label, r.batches) for r in stats.by_city] == [("440100", "广州市", 4), ("440300", "深圳市", 1)]
    assert _row(stats.by_field, Field.PRODUCTION).rate == Decimal("75.0")
    assert _row(stats.by_field, Field.ONLINE).rate is None
    assert _row(stats.by_level, PlanLevel.CITY).batches == 5
    assert [r.key for r in stats.by_quarter] == ["2026Q3"]


def test_it_rounds_a_pass_rate_to_one_decimal():
    assert RateRow("x", "x", 3, 1).rate == Decimal("66.7")
    assert RateRow("x", "x", 8, 1).rate == Decimal("87.5")
    assert RateRow("x", "x", 0, 0).rate is None


def test_it_leaves_corrected_rows_out_of_the_statistics(make_result, make_announcement):
    wrong = make_result(verdict=Verdict.FAIL)
    make_result(verdict=Verdict.PASS)
    correction = make_announcement(kind="correction", year=2026, quarter=3, corrects=wrong.announcement)
    make_result(verdict=Verdict.PASS, corrects=wrong, announcement=correction)

    assert wrong not in current_results()
    stats = public_statistics()
    assert (stats.total.batches, stats.total.failures, stats.total.rate) == (2, 0, Decimal("100.0"))


def test_it_filters_statistics_by_year_and_quarter(client, make_result):
    make_result(year=2025, quarter=4, verdict=Verdict.FAIL)
    make_result(year=2026, quarter=1)
    make_result(year=2026, quarter=2, verdict=Verdict.FAIL)
    make_result(year=2026, quarter=2)

    assert public_statistics(year=2026).total.batches == 3
    assert public_statistics(year=2026, quarter=2).total.rate == Decimal("50.0")
    response = client.get(reverse("public-stats"), {"year": "2026", "quarter": "2"})
    assert response.status_code == 200
    assert response.context["stats"].total.batches == 2
    assert "50.0%" in response.content.decode()


def test_it_shows_new_rows_at_once_despite_the_cache(make_result):
    make_result()
    assert public_statistics().total.batches == 1
    make_result(verdict=Verdict.FAIL)
    assert public_statistics().total.batches == 2


def test_it_orders_statistics_by_code_never_by_rate(make_result, toy_category):
    make_result(category=toy_category)  # 0205: 100 %
    make_result(verdict=Verdict.FAIL)  # 0101: 0 %
    make_result(region="440305", verdict=Verdict.FAIL)  # 深圳 440300: 0 %
    make_result(region="440106")  # 广州 440100: 50 % with the failure above

    stats = public_statistics()
    assert [r.key for r in stats.by_category] == ["0101", "0205"]
    assert [r.key for r in stats.by_city] == ["440100", "440300"]
    assert [r.key for r in stats.by_field] == [c for c, _label in Field.choices]
    assert [r.key for r in stats.by_level] == [c for c, _label in PlanLevel.choices]


def test_it_renders_the_statistics_page_with_charts_and_tables(client, make_result):
    make_result()
    make_result(verdict=Verdict.FAIL)
    response = client.get(reverse("public-stats"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 5
    assert html.count("<table") == 5
    assert 'role="img"' in html and "<title id=" in html
    assert "<script" not in html.split("</footer>")[0]
    assert "css/public.css" in html


def test_it_ignores_a_bad_statistics_filter(client, make_result):
    make_result()
    response = client.get(reverse("public-stats"), {"year": "abc", "quarter": "9"})
    assert response.status_code == 200
    assert response.context["stats"].total.batches == 1


# ---------------------------------------------------------------- exposure


def test_it_exposes_only_current_failures_of_focus_products(client, make_result, toy_category):
    exposed = make_result(verdict=Verdict.FAIL, enterprise_name="广州市曝光电器厂")
    refused = make_result(verdict=Verdict.FAIL_REFUSED, enterprise_name="广州市拒检电器厂")
    make_result(verdict=Verdict.PASS, enterprise_name="广州市合格电器厂")
    make_result(verdict=Verdict.FAIL, category=toy_category, enterprise_name="广州市一般产品厂")
    corrected = make_result(verdict=Verdict.FAIL, enterprise_name="广州市已更正电器厂")
    make_result(verdict=Verdict.PASS, corrects=corrected, enterprise_name="广州市已更正电器厂")

    response = client.get(reverse("public-exposure"))
    html = response.content.decode()

    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].rows] == [refused.pk, exposed.pk]
    assert f'href="/results/{exposed.pk}/"' in html
    assert "广州市合格电器厂" not in html
    assert "广州市一般产品厂" not in html
    assert "广州市已更正电器厂" not in html
    assert exposed.trademark in html and exposed.model_spec in html and "泄漏电流和电气强度" in html


def test_it_filters_exposure_by_city_and_category(client, make_result):
    gz = make_result(verdict=Verdict.FAIL, region="440106")
    sz = make_result(verdict=Verdict.FAIL, region="440305")

    rows = client.get(reverse("public-exposure"), {"city": "440300"}).context["page"].rows
    assert [r.pk for r in rows] == [sz.pk]
    rows = client.get(reverse("public-exposure"), {"city": "440100", "category": "0101"}).context["page"].rows
    assert [r.pk for r in rows] == [gz.pk]
    response = client.get(reverse("public-exposure"), {"city": "999999"})
    assert response.status_code == 200  # an unknown city is an error beside the field, not a 500
    assert response.context["form"].errors["city"]


def test_it_pages_exposure_newest_first(client, make_result):
    rows = [
        make_result(verdict=Verdict.FAIL, published_on=dt.date(2026, 9, 1) + dt.timedelta(days=i)) for i in range(45)
    ]
    newest_first = [r.pk for r in reversed(rows)]

    first = client.get(reverse("public-exposure")).context["page"]
    assert [r.pk for r in first.rows] == newest_first[:20]
    assert first.prev_cursor is None
    second = client.get(reverse("public-exposure"), {"after": first.next_cursor}).context["page"]
    assert [r.pk for r in second.rows] == newest_first[20:40]
    third = client.get(reverse("public-exposure"), {"after": second.next_cursor}).context["page"]
    assert [r.pk for r in third.rows] == newest_first[40:]
    assert third.next_cursor is None
    back = client.get(reverse("public-exposure"), {"before": third.prev_cursor}).context["page"]
    assert [r.pk for r in back.rows] == newest_first[20:40]
    assert client.get(reverse("public-exposure"), {"after": "garbage"}).status_code == 200


# ---------------------------------------------------------------- catalogue and category


def test_it_lists_the_catalogue_with_focus_flags_in_words(client, kettle_category, toy_category):
    toy_category.in_catalogue = False
    toy_category.save()
    html = client.get(reverse("public-catalogue")).content.decode()
    assert "电水壶" in html and "塑料收纳盒" not in html
    assert "涉及人体健康和人身、财产安全的产品" in html and "消费者反映强烈的产品" in html
    assert "GB 4706.19-2008" in html
    assert reverse("public-category", args=["0101"]) in html


def test_it_shows_a_category_with_standards_items_and_quarterly_chart(client, kettle_category, make_result):
    make_result(year=2026, quarter=2)
    make_result(year=2026, quarter=3, verdict=Verdict.FAIL)
    response = client.get(reverse("public-category", args=["0101"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "泄漏电流和电气强度" in html and "GB 4706.19-2008" in html
    assert "<svg" in html and "2026Q2" in html and "100.0%" in html and "0.0%" in html


def test_it_hides_categories_outside_the_catalogue(client, toy_category):
    toy_category.in_catalogue = False
    toy_category.save()
    assert client.get(reverse("public-category", args=["0205"])).status_code == 404


# ---------------------------------------------------------------- satisfaction survey (第十二条)


def _answer(client, code="0101", **data):
    payload = {"quality": "4", "safety": "5", "labelling": "3", **data}
    return client.post(reverse("public-category", args=[code]), payload, HTTP_USER_AGENT=data.pop("ua", "UA-1"))


def test_it_accepts_a_valid_survey_answer(client, kettle_category):
    response = _answer(client)
    assert response.status_code == 302
    answer = SatisfactionResponse.objects.get()
    assert (answer.category, answer.quality, answer.safety, answer.labelling) == (kettle_category, 4, 5, 3)
    assert "127.0.0.1" not in answer.fingerprint and len(answer.fingerprint) == 64
    page = client.get(response["Location"]).content.decode()
    assert "感谢您参加满意度调查" in page
    assert "感谢您参加满意度调查" not in client.get(response["Location"]).content.decode()  # shown once


def test_it_rejects_an_out_of_range_answer_beside_the_field(client, kettle_category):
    response = _answer(client, safety="7")
    html = response.content.decode()
    assert response.status_code == 400
    assert SatisfactionResponse.objects.count() == 0
    assert "只能选择 1 至 5 中的一项" in html
    error_at = html.index('id="safety-error"')
    group = html[html.rindex("<fieldset", 0, error_at) : error_at]
    assert "这类产品的使用安全是否放心" in group  # the message sits inside the safety question's group
    assert 'name="quality" value="4" id="id_quality_3" checked' in html  # what was chosen is kept


def test_it_requires_every_answer(client, kettle_category):
    response = client.post(reverse("public-category", args=["0101"]), {"quality": "4"})
    assert response.status_code == 400
    assert response.content.decode().count("请选择 1 至 5 中的一项") == 2


def test_it_accepts_one_answer_per_fingerprint_per_day(client, kettle_category, toy_category):
    assert _answer(client).status_code == 302
    again = _answer(client, quality="1")
    assert again.status_code == 400
    assert "今天您已就该产品类别提交过问卷" in again.content.decode()
    assert _answer(client, ua="UA-2").status_code == 302  # another browser is another person
    assert _answer(client, code="0205").status_code == 302  # another category
    assert SatisfactionResponse.objects.count() == 3


def test_it_accepts_the_same_person_again_the_next_day(client, kettle_category, monkeypatch):
    assert _answer(client).status_code == 302
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr("portal.public.pages.timezone.localdate", lambda: tomorrow)
    assert _answer(client).status_code == 302
    assert SatisfactionResponse.objects.count() == 2


def _answers(category, n, value=4):
    SatisfactionResponse.objects.bulk_create(
        SatisfactionResponse(category=category, quality=value, safety=value, labelling=value, fingerprint=f"f{i}")
        for i in range(n)
    )


def test_it_hides_the_index_below_the_minimum_number_of_answers(client, kettle_category):
    _answers(kettle_category, SATISFACTION_MIN_ANSWERS - 1)
    index = satisfaction_index(kettle_category)
    assert (index.answers, index.shown, index.value) == (SATISFACTION_MIN_ANSWERS - 1, False, None)
    html = client.get(reverse("public-category", args=["0101"])).content.decode()
    assert f"回答少于 {SATISFACTION_MIN_ANSWERS} 份时不公布满意度指数" in html


def test_it_shows_the_index_from_the_minimum_number_of_answers(client, kettle_category):
    _answers(kettle_category, SATISFACTION_MIN_ANSWERS - 1, value=4)
    SatisfactionResponse.objects.create(category=kettle_category, quality=5, safety=5, labelling=2, fingerprint="x")
    # mean = (9 × 4 + 4) / 10 = 4.0 → (4 − 1) × 25 = 75.0
    index = satisfaction_index(kettle_category)
    assert (index.answers, index.value) == (SATISFACTION_MIN_ANSWERS, Decimal("75.0"))
    html = client.get(reverse("public-category", args=["0101"])).content.decode()
    assert '<span class="index-value">75.0</span>' in html


# ---------------------------------------------------------------- language


@pytest.mark.parametrize("url_name", ["public-stats", "public-exposure", "public-catalogue"])
def test_it_renders_in_english_when_asked(client, make_result, url_name):
    make_result(verdict=Verdict.FAIL)
    response = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_it_switches_to_english_with_the_language_form(client, make_result):
    make_result()
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("public-stats")}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("public-stats")
    chinese = client.get(reverse("public-stats"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="en">' in chinese.content.decode()  # the chosen language sticks


def test_it_is_chinese_by_default(client, kettle_category):
    html = client.get(reverse("public-category", args=["0101"])).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert PublishedResult.objects.count() == 0


# ---------------------------------------------------------------- the survey service


def test_it_refuses_an_answer_for_a_category_outside_the_catalogue(toy_category):
    toy_category.in_catalogue = False
    toy_category.save()
    with pytest.raises(ValidationError, match="不在抽查目录中"):
        satisfaction_record(actor=None, category=toy_category, quality=3, safety=3, labelling=3, fingerprint="f")
    assert SatisfactionResponse.objects.count() == 0


@pytest.mark.parametrize("bad", [0, 6])
def test_it_refuses_an_out_of_range_answer_in_the_service(kettle_category, bad):
    with pytest.raises(ValidationError) as exc:
        satisfaction_record(actor=None, category=kettle_category, quality=bad, safety=3, labelling=3, fingerprint="f")
    assert "quality" in exc.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_it_takes_one_of_two_racing_answers_with_the_same_fingerprint(kettle_category):
    """Two submissions in flight at once: the advisory lock makes the second see the first."""
    first_inside, results = threading.Event(), {}

    def first() -> None:
        try:
            with transaction.atomic():
                satisfaction_record(
                    actor=None, category=kettle_category, quality=5, safety=5, labelling=5, fingerprint="race"
                )
                first_inside.set()
                time.sleep(0.5)  # still uncommitted while the second arrives
            results["first"] = "saved"
        finally:
            connection.close()

    def second() -> None:
        first_inside.wait(5)
        try:
            satisfaction_record(
                actor=None, category=kettle_category, quality=1, safety=1, labelling=1, fingerprint="race"
            )
            results["second"] = "saved"
        except ValidationError as exc:
            results["second"] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results["first"] == "saved"
    assert "今天您已就该产品类别提交过问卷" in results["second"]
    assert SatisfactionResponse.objects.filter(fingerprint="race").count() == 1


def test_it_names_the_responsible_persons_in_post_on_the_sampling_day_on_the_exposure_page(
    client, official, enterprise, kettle_category, lab
):
    """第二十一条: exposure names the enterprise and its responsible persons — names only, never ID
    numbers — as in post on the sampling day, fixed when published: a later appointment changes nothing."""
    from stdnum.cn import ric

    from supervision.models import Appointment, AppointmentRole, Person
    from supervision.publication.services import publish_quarter
    from tests.supervision.pub_factory import make_sample

    sampled_on = dt.date(2026, 5, 10)
    make_sample(
        actor=official,
        enterprise=enterprise,
        category=kettle_category,
        institution=lab,
        sampled_on=sampled_on,
        notified_on=dt.date(2026, 5, 20),
    )

    def person(name: str, body: str) -> Person:
        return Person.objects.create(name=name, id_number=body + ric.calc_check_digit(body + "0"))

    former, current = person("钱前任", "44010619800101123"), person("孙现任", "44010619820202456")
    legal_rep = AppointmentRole.LEGAL_REPRESENTATIVE
    Appointment.objects.create(
        person=former,
        enterprise=enterprise,
        role=legal_rep,
        start=dt.date(2000, 1, 1),
        end=sampled_on - dt.timedelta(1),
    )
    Appointment.objects.create(person=current, enterprise=enterprise, role=legal_rep, start=sampled_on)
    publish_quarter(actor_or_label=official, year=2026, quarter=2)
    html = client.get(reverse("public-exposure")).content.decode()
    assert "孙现任" in html
    assert "钱前任" not in html
    assert former.id_number not in html and current.id_number not in html
    # recorded after publication, a principal "in post" on the sampling day is not added to what was published
    later = person("李后补", "44010619830303789")
    Appointment.objects.create(person=later, enterprise=enterprise, role=AppointmentRole.PRINCIPAL, start=sampled_on)
    html = client.get(reverse("public-exposure")).content.decode()
    assert "孙现任" in html and "李后补" not in html
