import pytest

from supervision.models import Authority, Region


@pytest.mark.django_db
def test_it_ships_guangdong_with_21_cities_and_their_counties():
    province = Region.objects.get(code="440000")
    assert province.name == "广东省"
    cities = Region.objects.filter(parent=province)
    assert cities.count() == 21
    assert Region.objects.filter(level="county", code__startswith="44").count() == 122
    assert Region.objects.get(code="440106").parent.code == "440100"
    assert Region.objects.get(code="440106").full_name == "广东省广州市天河区"


@pytest.mark.django_db
def test_it_gives_every_region_an_authority_reporting_to_its_government():
    assert Authority.objects.count() == Region.objects.count()
    tianhe = Authority.objects.get(region_id="440106")
    assert tianhe.government == "广州市天河区人民政府"
    assert tianhe.superior.region_id == "440100"
