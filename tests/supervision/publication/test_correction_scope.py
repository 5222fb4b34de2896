"""A bureau corrects only the published results of its own region (and below): another region's
result is not found on the staff correction pages, as every other staff record is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Role
from supervision.models import Announcement, PublishedResult
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_finds_no_other_regions_result_to_correct(client, official, make_result):
    result = make_result(verdict="fail", region="440106")  # 广州市天河区
    client.force_login(make_user("sz_official", "440300", Role.OFFICIAL))
    url = reverse("publication:correct", args=[result.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "更正型号", "model_spec": "MK-999"}).status_code == 404
    lookup = client.get(reverse("publication:correct-lookup"), {"result": str(result.pk)})
    assert lookup.status_code == 302 and lookup["Location"] == reverse("publication:home")
    assert PublishedResult.objects.count() == 1 and not Announcement.objects.filter(kind="correction").exists()
    # the bureau of 广州 finds it
    client.force_login(official)
    assert client.get(url).status_code == 200
    lookup = client.get(reverse("publication:correct-lookup"), {"result": str(result.pk)})
    assert lookup["Location"] == url


def test_it_refuses_in_the_service_a_correction_of_another_regions_result(official, make_result):
    from django.core.exceptions import PermissionDenied

    from supervision.publication.services import publish_correction

    result = make_result(verdict="fail", region="440106")
    with pytest.raises(PermissionDenied):
        publish_correction(
            actor=make_user("sz_official", "440300", Role.OFFICIAL),
            result=result,
            changes={"model_spec": "MK-999"},
            reason="更正型号",
        )
    assert not Announcement.objects.filter(kind="correction").exists()
    publish_correction(actor=official, result=result, changes={"model_spec": "MK-999"}, reason="更正型号")
    assert PublishedResult.objects.get(corrects=result).model_spec == "MK-999"
