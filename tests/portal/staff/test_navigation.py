"""One staff navigation on every staff page, showing what the user's roles allow."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="staff-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "the staff page has no staff navigation"
    return re.findall(r'href="([^"]+)"', nav.group(1))


def test_it_offers_an_inspector_the_inspectors_work_and_not_publication(client, inspector):
    client.force_login(inspector)
    links = menu(client.get(reverse("staff-home")).content.decode())
    assert reverse("supervision:to-enter") in links and reverse("supervision:import-page") in links
    assert reverse("publication:home") not in links and reverse("supervision:review-list") not in links


def test_it_leads_an_official_to_publication_from_the_dashboard_and_the_menu(client, official):
    client.force_login(official)
    html = client.get(reverse("staff-home")).content.decode()
    assert reverse("publication:home") in menu(html)
    assert html.count(f'href="{reverse("publication:home")}"') == 2  # the menu and the dashboard's link
    assert reverse("supervision:to-enter") not in menu(html)


def test_it_shows_the_same_menu_on_the_publication_page_with_the_current_page_marked(client, official):
    client.force_login(official)
    html = client.get(reverse("publication:home")).content.decode()
    assert reverse("publication:home") in menu(html)
    assert re.search(rf'href="{reverse("publication:home")}" aria-current="page"', html)


def test_it_shows_no_staff_menu_on_public_pages(client, official):
    client.force_login(official)
    assert 'class="staff-nav"' not in client.get(reverse("public-home")).content.decode()


def test_it_leads_back_from_the_admin_to_the_dashboard_and_publication(client, administrator, inspector):
    client.force_login(administrator)
    html = client.get(reverse("admin:index")).content.decode()
    tools = re.search(r'<div id="user-tools">(.*?)</div>', html, re.S).group(1)
    assert f'href="{reverse("staff-home")}"' in tools and f'href="{reverse("publication:home")}"' in tools
    inspector.is_staff = True
    inspector.save()
    client.force_login(inspector)
    tools = re.search(r'<div id="user-tools">(.*?)</div>', client.get(reverse("admin:index")).content.decode(), re.S)
    assert f'href="{reverse("staff-home")}"' in tools.group(1)
    assert reverse("publication:home") not in tools.group(1)  # what the role may do, no more
