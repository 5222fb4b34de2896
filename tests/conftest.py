"""Standing personas and registry fixtures shared by every test folder.

Personas: inspector/reviewer/enforcement/official of 广州 (440100), an inspector of 天河区
(440106, below 广州), an outsider inspector of 深圳 (440300), the provincial administrator.
"""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import uscc

from portal.models import Role, User
from supervision.models import (
    CatalogueItem,
    Enterprise,
    Institution,
    Product,
    ProductCategory,
    Region,
    Standard,
)

PASSWORD = "demo-pass-123"


@pytest.fixture(autouse=True)
def _regions_after_flush(request):
    """Transactional tests flush the tables, data migrations included: put the regions back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        request.getfixturevalue("transactional_db")
        from supervision import regions_gd
        from supervision.models import Authority

        regions_gd.load(Region, Authority)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files (seal photos, signed reports) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_uscc(region_code: str, serial: int) -> str:
    base = f"91{region_code}{serial:09d}"
    return base + uscc.calc_check_digit(base)


def make_user(username: str, region_code: str | None, *roles: str, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        region=Region.objects.get(code=region_code) if region_code else None,
        roles=list(roles),
        full_name=extra.pop("full_name", username),
        enforcement_id=extra.pop("enforcement_id", f"ZF{abs(hash(username)) % 10**8:08d}"),
        **extra,
    )
    return user


@pytest.fixture
def guangzhou(db) -> Region:
    return Region.objects.get(code="440100")


@pytest.fixture
def tianhe(db) -> Region:
    return Region.objects.get(code="440106")


@pytest.fixture
def shenzhen(db) -> Region:
    return Region.objects.get(code="440300")


@pytest.fixture
def inspector(db) -> User:
    return make_user("gz_inspector", "440100", Role.INSPECTOR, full_name="王检")


@pytest.fixture
def inspector2(db) -> User:
    return make_user("gz_inspector2", "440100", Role.INSPECTOR, full_name="李检")


@pytest.fixture
def reviewer(db) -> User:
    return make_user("gz_reviewer", "440100", Role.REVIEWER, full_name="陈审")


@pytest.fixture
def enforcement_officer(db) -> User:
    return make_user("gz_enforcement", "440100", Role.ENFORCEMENT, full_name="赵执")


@pytest.fixture
def official(db) -> User:
    return make_user("gz_official", "440100", Role.OFFICIAL, full_name="刘局")


@pytest.fixture
def tianhe_inspector(db) -> User:
    return make_user("th_inspector", "440106", Role.INSPECTOR, full_name="周检")


@pytest.fixture
def outsider(db) -> User:
    return make_user("sz_inspector", "440300", Role.INSPECTOR, full_name="深检")


@pytest.fixture
def administrator(db) -> User:
    return make_user("gd_admin", "440000", Role.ADMINISTRATOR, full_name="省管", is_staff=True)


@pytest.fixture
def kettle_category(db) -> ProductCategory:
    std = Standard.objects.create(
        code="GB 4706.19-2008", title="家用和类似用途电器的安全 液体加热器的特殊要求", mandatory=True
    )
    cat = ProductCategory.objects.create(
        code="0101", name="电水壶", health_safety=True, licence_required=True, complaint_focus=True
    )
    cat.standards.add(std)
    for seq, (name, clause) in enumerate(
        [
            ("标志和说明", "7"),
            ("对触及带电部件的防护", "8"),
            ("输入功率和电流", "10"),
            ("发热", "11"),
            ("泄漏电流和电气强度", "13"),
        ],
        start=1,
    ):
        CatalogueItem.objects.create(category=cat, standard=std, clause=clause, name=name, seq=seq)
    return cat


@pytest.fixture
def lab(db, kettle_category) -> Institution:
    inst = Institution.objects.create(
        name="广东产品质量监督检验研究院",
        accreditation_no="CMA-2024190001",
        region=Region.objects.get(code="440100"),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2030, 12, 31),
    )
    inst.categories.add(kettle_category)
    return inst


@pytest.fixture
def enterprise(db, tianhe) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("440106", 1), name="广州市天河电器有限公司", address="广州市天河区天河路1号", region=tianhe
    )


@pytest.fixture
def shenzhen_enterprise(db, shenzhen) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("440305", 2),
        name="深圳市南山童装有限公司",
        address="深圳市南山区科技园",
        region=Region.objects.get(code="440305"),
    )


@pytest.fixture
def kettle(db, enterprise, kettle_category) -> Product:
    return Product.objects.create(
        enterprise=enterprise,
        category=kettle_category,
        name="电水壶",
        trademark="美的好",
        model_spec="MK-17S05",
        is_main=True,
    )
