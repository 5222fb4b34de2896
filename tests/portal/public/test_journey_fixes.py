"""What a citizen met on the public site (issue 10), fixed: back to the same search, a category's results,
a survey that remembers it was answered, a favicon, and a home page to start from."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from supervision.models import PublishedResult, SatisfactionResponse
from tests.supervision.pub_factory import publish_rows

pytestmark = pytest.mark.django_db


def test_it_keeps_the_query_and_filters_from_a_result_back_to_the_search(client, kettle_category):
    (pk,) = publish_rows([{"failed_items": "泄漏电流和电气强度"}], category=kettle_category)
    row = PublishedResult.objects.get(pk=pk)
    search = client.get(reverse("public-search"), {"q": "水壶", "region": "440100", "passes": "1", "junk": "x"})
    html = search.content.decode()
    link = re.search(rf'href="(/results/{row.pk}/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=%E6%B0%B4%E5%A3%B6" in link and "region=440100" in link and "passes=1" in link
    assert "junk" not in link  # only the search's own parameters travel
    result = client.get(link).content.decode()
    back = re.search(r'href="([^"]+)" id="back-to-search"', result).group(1).replace("&amp;", "&")
    assert back.startswith("/search/?") and "region=440100" in back and "passes=1" in back
    again = client.get(back)
    assert again.context["state"]["q"] == "水壶" and again.context["filters"].region == "440100"
    # a result opened directly goes back to an empty search
    plain = client.get(reverse("public-result", args=[row.pk])).content.decode()
    assert 'href="/search/" id="back-to-search"' in plain


def test_it_links_each_catalogue_category_to_its_results(client, kettle_category):
    publish_rows([{"verdict": "pass"}], category=kettle_category)
    html = client.get(reverse("public-catalogue")).content.decode()
    href = f"/search/?category={kettle_category.pk}&amp;passes=1"
    assert href in html
    category = client.get(reverse("public-category", args=[kettle_category.code])).content.decode()
    assert href in category
    results = client.get(f"/search/?category={kettle_category.pk}&passes=1")
    assert len(results.context["rows"]) == 1


def test_it_says_the_survey_was_answered_instead_of_asking_again(client, kettle_category):
    url = reverse("public-category", args=[kettle_category.code])
    assert 'name="quality"' in client.get(url).content.decode()
    response = client.post(url, {"quality": "4", "safety": "5", "labelling": "3"})
    assert response.status_code == 302
    thanks = client.get(url).content.decode()
    assert 'id="survey-thanks"' in thanks and 'name="quality"' not in thanks
    later = client.get(url).content.decode()  # the same person, later the same day
    assert 'id="survey-answered"' in later and 'name="quality"' not in later
    assert SatisfactionResponse.objects.count() == 1


def test_it_serves_a_favicon(client):
    page = client.get(reverse("public-home")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.endswith("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")


def test_it_opens_the_home_page_on_the_search_the_latest_failures_and_announcements(
    client, make_result, kettle_category, toy_category
):
    failure = make_result(verdict="fail", focus=True, enterprise_name="广州市甲电器有限公司")
    make_result(verdict="pass", focus=True, enterprise_name="广州市乙电器有限公司")
    make_result(verdict="fail", category=toy_category, focus=False, enterprise_name="广州市丙塑料制品厂")
    html = client.get(reverse("public-home")).content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    failures = re.search(r'<ul class="home-list" id="home-failures">(.*?)</ul>', html, re.S).group(1)
    assert "广州市甲电器有限公司" in failures and f"/results/{failure.pk}/" in failures
    assert "广州市乙电器有限公司" not in failures  # a pass is not a failure
    assert "广州市丙塑料制品厂" not in failures  # not a focus product
    assert 'id="home-announcements"' in html
    for name in ("public-stats", "public-catalogue", "public-exposure", "public-announcements"):
        assert f'href="{reverse(name)}"' in html
