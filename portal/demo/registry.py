"""Demo registry for `manage.py seed_demo`: deterministic (random.Random(2026)), realistic, fast.

Creates the staff accounts, the spot-check catalogue with its standards and test items, a few
hundred enterprises across Guangdong with valid 统一社会信用代码, their legal representatives
with valid resident ID numbers, products, licences with status histories and testing
institutions; then hands the same random generator to the spot-check and publication stages.
Seeding is set-up, not an act of a bureau, so it writes no audit rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from stdnum.cn import ric, uscc

from portal.models import Role, User
from supervision.registry.models import (
    Appointment,
    AppointmentRole,
    CatalogueItem,
    Enterprise,
    Institution,
    Licence,
    LicenceEvent,
    LicenceEventKind,
    LicenceKind,
    Person,
    Product,
    ProductCategory,
    Region,
    Standard,
)

PASSWORD = "demo-pass-123"  # noqa: S105 — printed by --print-logins; demo accounts only
SEED = 2026
ENTERPRISE_COUNT = 320


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    region: str
    roles: tuple[str, ...]
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("gd_admin", "林省管", "440000", (Role.ADMINISTRATOR,), superuser=True),
    DemoUser("gd_official", "郑厅", "440000", (Role.OFFICIAL,)),
    DemoUser("gz_inspector", "王检", "440100", (Role.INSPECTOR,)),
    DemoUser("gz_inspector2", "李检", "440100", (Role.INSPECTOR,)),
    DemoUser("gz_reviewer", "陈审", "440100", (Role.REVIEWER,)),
    DemoUser("gz_enforcement", "赵执", "440100", (Role.ENFORCEMENT,)),
    DemoUser("gz_official", "刘局", "440100", (Role.OFFICIAL,)),
    DemoUser("sz_inspector", "黄检", "440300", (Role.INSPECTOR,)),
    DemoUser("sz_reviewer", "吴审", "440300", (Role.REVIEWER,)),
    DemoUser("th_inspector", "周检", "440106", (Role.INSPECTOR,)),
)

# fmt: off
# (code, name, standard code, standard title, mandatory, health/safety, livelihood, complaints,
#  licence kind or None, industry word for enterprise names, [(item, clause, requirement, unit)])
CATALOGUE: list[tuple[Any, ...]] = [
    ("0101", "电水壶", "GB 4706.19-2008", "家用和类似用途电器的安全 液体加热器的特殊要求", True, True, False, True,
     LicenceKind.CCC, "电器", [("标志和说明", "7", "应有额定电压、功率等标志", ""), ("对触及带电部件的防护", "8", "不得触及带电部件", ""),
                              ("输入功率和电流", "10", "偏差不超过+5%/-10%", "W"), ("发热", "11", "温升不超过限值", "K"),
                              ("泄漏电流和电气强度", "13", "泄漏电流≤0.75", "mA"), ("接地措施", "27", "接地电阻≤0.1", "Ω")]),
    ("0201", "儿童服装", "GB 31701-2015", "婴幼儿及儿童纺织产品安全技术规范", True, True, False, True,
     None, "服饰", [("甲醛含量", "4.1", "≤75（B类）", "mg/kg"), ("pH值", "4.1", "4.0～8.5", ""),
                   ("可分解致癌芳香胺染料", "4.1", "禁用", "mg/kg"), ("耐唾液色牢度", "4.2", "≥4级", "级"),
                   ("绳带要求", "5.2", "头颈部不得有绳带", "")]),
    ("0301", "电线电缆", "GB/T 5023.1-2008", "额定电压450/750V及以下聚氯乙烯绝缘电缆 第1部分：一般要求", False, True, True, False,
     LicenceKind.PRODUCTION, "电缆", [("导体电阻", "5.1", "20℃时不大于标准值", "Ω/km"), ("绝缘厚度", "5.2", "平均厚度不小于规定值", "mm"),
                                     ("绝缘老化前抗张强度", "5.2.4", "≥12.5", "MPa"), ("成品电缆电压试验", "5.6", "不击穿", ""),
                                     ("不延燃试验", "5.6.4", "符合GB/T 18380.12", "")]),
    ("0401", "锂离子电池", "GB 31241-2022", "便携式电子产品用锂离子电池和电池组 安全技术规范", True, True, False, True,
     LicenceKind.CCC, "新能源科技", [("过充电保护", "10.2", "不起火、不爆炸", ""), ("外部短路", "7.2", "不起火、不爆炸", ""),
                                     ("挤压", "7.6", "不起火、不爆炸", ""), ("热滥用", "7.5", "不起火、不爆炸", ""),
                                     ("标识", "5.2", "应有额定容量、电压等标识", "")]),
    ("0501", "燃气灶具", "GB 16410-2020", "家用燃气灶具", True, True, True, False,
     LicenceKind.CCC, "燃具", [("气密性", "6.1", "漏气量≤0.07", "L/h"), ("熄火保护装置", "6.8", "开阀≤15 s，闭阀≤60 s", "s"),
                              ("干烟气中CO含量", "6.3", "≤0.05%", "%"), ("热效率", "6.12", "≥55%", "%")]),
    ("0601", "童车", "GB 14748-2006", "儿童推车安全要求", True, True, False, True,
     LicenceKind.CCC, "童车", [("锁定装置", "4.4", "不得意外解锁", ""), ("制动装置", "4.5", "坡度12°不移动", ""),
                              ("稳定性", "4.6", "不倾翻", ""), ("小零件", "4.2.5", "不得有小零件", "")]),
    ("0701", "插头插座", "GB 2099.1-2021", "家用和类似用途插头插座 第1部分：通用要求", True, True, False, False,
     LicenceKind.CCC, "电工", [("防触电保护", "10", "不得触及带电部件", ""), ("接地措施", "11", "接地连接可靠", ""),
                              ("拔出插头所需的力", "22", "符合规定范围", "N"), ("温升", "19", "≤45", "K"),
                              ("耐热", "25", "球压压痕直径≤2", "mm")]),
    ("0801", "食品相关产品", "GB 4806.1-2016", "食品安全国家标准 食品接触材料及制品通用安全要求", True, True, True, True,
     LicenceKind.PRODUCTION, "包装制品", [("感官要求", "4.1", "无异味、无异物", ""), ("总迁移量", "4.2", "≤10", "mg/dm²"),
                                        ("高锰酸钾消耗量", "4.2", "≤10", "mg/kg"), ("重金属（以Pb计）", "4.2", "≤1", "mg/kg"),
                                        ("脱色试验", "4.3", "阴性", "")]),
    ("0901", "电动自行车", "GB 17761-2018", "电动自行车安全技术规范", True, True, True, True,
     LicenceKind.CCC, "车业", [("最高设计车速", "6.1.1", "≤25", "km/h"), ("整车质量", "6.1.2", "≤55", "kg"),
                              ("制动性能", "6.1.5", "干态≤7 m", "m"), ("防篡改", "6.1.11", "应有防篡改措施", ""),
                              ("电气安全", "6.3", "符合要求", ""), ("阻燃性能", "6.4", "符合要求", "")]),
    ("1001", "儿童玩具", "GB 6675.2-2014", "玩具安全 第2部分：机械与物理性能", True, True, False, True,
     LicenceKind.CCC, "玩具", [("小零件", "5.1", "不得有小零件", ""), ("可触及的锐利边缘", "5.8", "不得有", ""),
                              ("可触及的锐利尖端", "5.9", "不得有", ""), ("包装塑料袋厚度", "5.10", "≥0.038", "mm")]),
    ("1101", "安全帽", "GB 2811-2019", "头部防护 安全帽", True, True, False, False,
     LicenceKind.PRODUCTION, "防护用品", [("冲击吸收性能", "5.2.1", "传递到头模的力≤4900", "N"), ("耐穿刺性能", "5.2.2", "钢锥不接触头模", ""),
                                        ("下颏带强度", "5.2.3", "150～250 N时断开", "N"), ("阻燃性能", "5.3.1", "续燃≤5 s", "s")]),
    ("1201", "化肥", "GB/T 15063-2020", "复合肥料", False, False, True, True,
     LicenceKind.PRODUCTION, "肥业", [("总养分", "5.1", "≥40.0（高浓度）", "%"), ("水溶性磷占有效磷百分率", "5.1", "≥60", "%"),
                                     ("水分", "5.1", "≤2.0", "%"), ("粒度（1.00～4.75 mm）", "5.1", "≥90", "%"),
                                     ("氯离子", "5.1", "≤3.0", "%")]),
    ("1301", "水泥", "GB 175-2023", "通用硅酸盐水泥", True, False, True, False,
     LicenceKind.PRODUCTION, "水泥", [("抗压强度（28 d）", "7.3.3", "≥42.5", "MPa"), ("凝结时间", "7.3.1", "初凝≥45 min", "min"),
                                     ("安定性", "7.3.2", "沸煮法合格", ""), ("三氧化硫", "7.1", "≤3.5", "%")]),
]
# fmt: on

# Where demo enterprises sit: manufacturing counties, weighted (东莞, 中山 have no county level).
PLACES: list[tuple[str, int, tuple[str, ...]]] = [
    ("440606", 30, ("0101", "0501", "0701")),  # 佛山顺德 家电
    ("440605", 20, ("0301", "0701", "0801")),  # 佛山南海
    ("441900", 30, ("0201", "1001", "0401")),  # 东莞
    ("442000", 25, ("0101", "0501", "0701")),  # 中山
    ("440515", 20, ("1001", "0601")),  # 汕头澄海 玩具
    ("440106", 14, ("0101", "0801", "0401")),  # 广州天河
    ("440111", 14, ("0201", "0801", "1101")),  # 广州白云
    ("440113", 14, ("0101", "0901", "0301")),  # 广州番禺
    ("440114", 10, ("0201", "0301", "1301")),  # 广州花都
    ("440306", 20, ("0401", "0701", "1001")),  # 深圳宝安
    ("440307", 16, ("0401", "0201", "0901")),  # 深圳龙岗
    ("440305", 10, ("0401", "0701")),  # 深圳南山
    ("440703", 12, ("0901", "0501")),  # 江门蓬江
    ("441302", 12, ("0401", "0301")),  # 惠州惠城
    ("445103", 12, ("0801", "1001")),  # 潮州潮安
    ("440402", 10, ("0101", "0701")),  # 珠海香洲
    ("441202", 8, ("1301", "1201")),  # 肇庆端州
    ("440882", 8, ("1201", "1301")),  # 湛江雷州
    ("441821", 6, ("1201", "1301")),  # 清远佛冈
    ("445281", 9, ("0201", "0801")),  # 揭阳普宁
]

BRAND_WORDS = [
    "美家",
    "华润",
    "恒达",
    "宏图",
    "金盛",
    "永兴",
    "新宝",
    "德力",
    "顺发",
    "万和",
    "利达",
    "荣事达",
    "雅洁",
    "嘉美",
    "富康",
    "盛世",
    "精工",
    "凯旋",
    "鸿运",
    "佳宝",
    "安信",
    "泰昌",
    "联创",
    "宝丽",
    "康达",
    "天元",
    "飞达",
    "瑞丰",
    "锦程",
    "华美",
    "腾飞",
    "长城",
    "星光",
    "英才",
    "奥林",
    "海豚",
    "金鹰",
    "银河",
    "大地",
    "东升",
]
TRADEMARKS = [
    "美的好",
    "华帝星",
    "小熊乐",
    "飞利达",
    "宝贝乐",
    "安居",
    "优品",
    "蓝天",
    "阳光宝贝",
    "金象",
    "绿源",
    "雷霆",
    "火凤",
    "乐童",
    "安达",
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯许邓曾彭苏卢蔡叶潘杜")
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "辉",
    "建华",
    "国强",
    "志明",
    "桂芳",
    "永红",
    "晓东",
    "海燕",
    "文杰",
    "家豪",
    "嘉欣",
    "俊杰",
]
# birth-registration codes stdnum knows (it refuses some codes created after its data, e.g. 440606)
PERSON_REGIONS = ("440103", "440104", "440105", "440106", "440111", "440301", "440303", "440304", "440305", "440602")

INSTITUTIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "广东产品质量监督检验研究院",
        "CMA-201919000101",
        "440100",
        ("0101", "0301", "0401", "0501", "0701", "0901", "1101"),
    ),
    ("国家日用电器质量检验检测中心（广州）", "CMA-201919000102", "440106", ("0101", "0501", "0701")),
    ("广州市质量监督检测研究院", "CMA-201919000103", "440100", ("0201", "0801", "1001", "0601", "1101")),
    ("深圳市计量质量检测研究院", "CMA-201919000104", "440300", ("0401", "0701", "0101", "1001", "0801")),
    ("佛山市质量计量监督检测中心", "CMA-201919000105", "440600", ("0101", "0301", "0501", "0701")),
    ("东莞市质量监督检测中心", "CMA-201919000106", "441900", ("0201", "1001", "0401", "0601")),
    ("中山市质量计量监督检测所", "CMA-201919000107", "442000", ("0101", "0501", "0701")),
    ("汕头市质量计量监督检测所", "CMA-201919000108", "440500", ("1001", "0601", "0201")),
    ("江门市质量计量监督检测所", "CMA-201919000109", "440700", ("0901", "0501", "1201", "1301")),
    ("广东省建筑材料研究院", "CMA-201919000110", "440100", ("1301", "1201")),
]


def _uscc(region_code: str, serial: int) -> str:
    base = f"91{region_code}{serial:09d}"
    return base + uscc.calc_check_digit(base)


def _resident_id(rng: random.Random, used: set[str]) -> str:
    while True:
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 30 * 365))
        body = f"{rng.choice(PERSON_REGIONS)}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
        number = body + ric.calc_check_digit(body + "0")  # calc_check_digit drops the last char
        if number not in used and ric.is_valid(number):
            used.add(number)
            return number


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(0, (end - start).days))


def demo_present() -> bool:
    return User.objects.filter(username="gd_admin").exists() or Enterprise.objects.exists()


def _users() -> dict[str, User]:
    password = make_password(PASSWORD)  # hashed once: the hasher is slow by design
    regions = {r.code: r for r in Region.objects.filter(code__in={u.region for u in DEMO_USERS})}
    users = []
    for n, spec in enumerate(DEMO_USERS, start=1):
        users.append(
            User(
                username=spec.username,
                password=password,
                full_name=spec.full_name,
                region=regions[spec.region],
                roles=list(spec.roles),
                is_staff=True,
                is_superuser=spec.superuser,
                enforcement_id=f"44{spec.region[2:4]}{n:06d}",
            )
        )
    User.objects.bulk_create(users)
    return {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])}


# what a test of any demo category needs, backup included (第十四条: no more is drawn)
DEMO_SAMPLE_QUANTITY = 12


def _catalogue() -> dict[str, ProductCategory]:
    standards = Standard.objects.bulk_create(
        [Standard(code=row[2], title=row[3], mandatory=row[4]) for row in CATALOGUE]
    )
    categories = ProductCategory.objects.bulk_create(
        [
            ProductCategory(
                code=row[0],
                name=row[1],
                health_safety=row[5],
                livelihood=row[6],
                complaint_focus=row[7],
                licence_required=row[8] is not None,
                sample_quantity=DEMO_SAMPLE_QUANTITY,
            )
            for row in CATALOGUE
        ]
    )
    through = ProductCategory.standards.through
    through.objects.bulk_create(
        [through(productcategory_id=c.pk, standard_id=s.pk) for c, s in zip(categories, standards, strict=True)]
    )
    items = []
    for cat, std, row in zip(categories, standards, CATALOGUE, strict=True):
        for seq, (name, clause, requirement, unit) in enumerate(row[10], start=1):
            items.append(
                CatalogueItem(
                    category=cat, standard=std, clause=clause, name=name, requirement=requirement, unit=unit, seq=seq
                )
            )
    CatalogueItem.objects.bulk_create(items)
    return {c.code: c for c in categories}


def _enterprises(rng: random.Random, categories: dict[str, ProductCategory]) -> list[tuple[Enterprise, str]]:
    regions = {r.code: r for r in Region.objects.select_related("parent").filter(code__in=[p[0] for p in PLACES])}
    industries = {row[0]: row[9] for row in CATALOGUE}
    weights = [p[1] for p in PLACES]
    rows: list[tuple[Enterprise, str]]
    rows, names, serials = [], set(), set()
    while len(rows) < ENTERPRISE_COUNT:
        code, _, cats = rng.choices(PLACES, weights=weights)[0]
        region = regions[code]
        cat = rng.choice(cats)
        place = region.name if region.parent is None or region.level == "city" else region.parent.name + region.name
        name = f"{place}{rng.choice(BRAND_WORDS)}{industries[cat]}有限公司"
        if name in names:
            continue
        serial = rng.randrange(10**8, 10**9)
        if serial in serials:
            continue
        names.add(name)
        serials.add(serial)
        rows.append(
            (
                Enterprise(
                    uscc=_uscc(code, serial),
                    name=name,
                    address=f"{place}{rng.choice(BRAND_WORDS)}路{rng.randrange(1, 300)}号",
                    region=region,
                    contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    phone=f"0{rng.choice(['20', '755', '757', '769', '760', '754'])}-{rng.randrange(10**7, 10**8)}",
                ),
                cat,
            )
        )
    Enterprise.objects.bulk_create([e for e, _ in rows])
    return rows


def _people(rng: random.Random, enterprises: list[tuple[Enterprise, str]]) -> None:
    used: set[str] = set()
    persons: list[Person] = []
    plans: list[tuple[Enterprise, int, dt.date, dt.date | None]] = []
    for enterprise, _cat in enterprises:
        start = _random_day(rng, dt.date(2008, 1, 1), dt.date(2024, 6, 30))
        if rng.random() < 0.25:
            # an earlier legal representative whose term ended the day before the current one began
            earlier = _random_day(rng, dt.date(2000, 1, 1), start - dt.timedelta(days=400))
            persons.append(Person(name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_number=_resident_id(rng, used)))
            plans.append((enterprise, len(persons) - 1, earlier, start - dt.timedelta(days=1)))
        persons.append(Person(name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_number=_resident_id(rng, used)))
        plans.append((enterprise, len(persons) - 1, start, None))
    Person.objects.bulk_create(persons)
    Appointment.objects.bulk_create(
        [
            Appointment(
                person=persons[i], enterprise=e, role=AppointmentRole.LEGAL_REPRESENTATIVE, start=start, end=end
            )
            for e, i, start, end in plans
        ]
    )


def _products(
    rng: random.Random, enterprises: list[tuple[Enterprise, str]], categories: dict[str, ProductCategory]
) -> dict[int, list[Product]]:
    products: list[Product] = []
    for enterprise, cat_code in enterprises:
        category = categories[cat_code]
        for n in range(rng.randint(1, 3)):
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTWXYZ") for _ in range(2))
            products.append(
                Product(
                    enterprise=enterprise,
                    category=category,
                    name=category.name
                    if n == 0
                    else f"{category.name}（{rng.choice(['家用型', '经济型', '升级款', '出口型'])}）",
                    trademark=rng.choice(TRADEMARKS),
                    model_spec=f"{letters}-{rng.randrange(10, 999)}{rng.choice(['', 'A', 'S', 'Pro'])}",
                    is_main=n == 0,
                )
            )
    Product.objects.bulk_create(products)
    by_enterprise: dict[int, list[Product]] = {}
    for p in products:
        by_enterprise.setdefault(p.enterprise_id, []).append(p)
    return by_enterprise


def _licences(
    rng: random.Random,
    enterprises: list[tuple[Enterprise, str]],
    categories: dict[str, ProductCategory],
    products: dict[int, list[Product]],
    actor: User,
) -> None:
    kinds = {row[0]: row[8] for row in CATALOGUE}
    licences: list[tuple[Licence, str]] = []
    for n, (enterprise, cat_code) in enumerate(enterprises):
        kind = kinds[cat_code]
        if kind is None or rng.random() < 0.15:  # some firms produce without a licence: the R8 case
            continue
        valid_from = _random_day(rng, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
        number = (
            f"{valid_from.year}01{cat_code}{n:08d}"
            if kind == LicenceKind.CCC
            else f"粤XK{cat_code[:2]}-{rng.randrange(100, 999)}-{n:05d}"
        )
        licences.append(
            (
                Licence(
                    kind=kind,
                    number=number,
                    holder=enterprise,
                    valid_from=valid_from,
                    valid_to=valid_from.replace(year=valid_from.year + 5) - dt.timedelta(days=1),
                ),
                cat_code,
            )
        )
    Licence.objects.bulk_create([lic for lic, _ in licences])
    cat_through = Licence.categories.through
    prod_through = Licence.products.through
    cat_through.objects.bulk_create(
        [cat_through(licence_id=lic.pk, productcategory_id=categories[c].pk) for lic, c in licences]
    )
    prod_through.objects.bulk_create(
        [prod_through(licence_id=lic.pk, product_id=p.pk) for lic, _ in licences for p in products[lic.holder_id]]
    )
    events: list[LicenceEvent] = []
    for lic, _ in licences:
        events.append(LicenceEvent(licence=lic, kind=LicenceEventKind.ISSUED, on=lic.valid_from, actor=actor))
        roll = rng.random()
        if roll < 0.12:
            suspended = lic.valid_from + dt.timedelta(days=rng.randrange(200, 500))
            reason = "监督抽查不合格，责令整改期间暂停证书（第十五条）"
            events.append(
                LicenceEvent(licence=lic, kind=LicenceEventKind.SUSPENDED, on=suspended, reason=reason, actor=actor)
            )
            if roll < 0.08:
                events.append(
                    LicenceEvent(
                        licence=lic,
                        kind=LicenceEventKind.REINSTATED,
                        on=suspended + dt.timedelta(days=rng.randrange(60, 90)),
                        reason="整改后复查合格，恢复证书",
                        actor=actor,
                    )
                )
            elif roll < 0.10:
                events.append(
                    LicenceEvent(
                        licence=lic,
                        kind=LicenceEventKind.REVOKED,
                        on=suspended + dt.timedelta(days=rng.randrange(80, 120)),
                        reason="复查仍不合格，吊销证书（第十五条）",
                        actor=actor,
                    )
                )
    LicenceEvent.objects.bulk_create(events)


def _institutions(categories: dict[str, ProductCategory]) -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in=[i[2] for i in INSTITUTIONS])}
    rows = Institution.objects.bulk_create(
        [
            Institution(
                name=name,
                accreditation_no=number,
                region=regions[code],
                valid_from=dt.date(2023, 1, 1),
                valid_to=dt.date(2028, 12, 31),
            )
            for name, number, code, _ in INSTITUTIONS
        ]
    )
    cat_through = Institution.categories.through
    std_through = Institution.standards.through
    standards = dict(ProductCategory.standards.through.objects.values_list("productcategory_id", "standard_id"))
    cat_rows, std_rows = [], []
    for inst, (*_, scope) in zip(rows, INSTITUTIONS, strict=True):
        for code in scope:
            cat_rows.append(cat_through(institution_id=inst.pk, productcategory_id=categories[code].pk))
            std_rows.append(std_through(institution_id=inst.pk, standard_id=standards[categories[code].pk]))
    cat_through.objects.bulk_create(cat_rows)
    std_through.objects.bulk_create(std_rows)


def seed(rng: random.Random | None = None) -> None:
    """Create the demo registry in one transaction, then the spot checks and publications built on
    it, each act in its own transaction as the services require (an act is never part of another)."""
    from portal.demo import exemptions as demo_exemptions
    from portal.demo import publication as demo_publication
    from portal.demo import spotchecks as demo_spotchecks

    rng = rng or random.Random(SEED)  # noqa: S311 — demo data, not security
    with transaction.atomic():
        users = _users()
        categories = _catalogue()
        enterprises = _enterprises(rng, categories)
        _people(rng, enterprises)
        products = _products(rng, enterprises, categories)
        _licences(rng, enterprises, categories, products, users["gd_admin"])
        _institutions(categories)
    demo_spotchecks.seed(rng=rng)
    demo_publication.seed(rng=rng)
    demo_exemptions.seed(rng=rng)


def logins() -> list[tuple[str, str, str, str]]:
    """(username, password, roles, region) of every demo account."""
    rows = []
    regions = dict(Region.objects.filter(code__in={u.region for u in DEMO_USERS}).values_list("code", "name"))
    for spec in DEMO_USERS:
        roles = "、".join(str(Role(r).label) for r in spec.roles)
        if spec.superuser:
            roles += "（超级用户）"
        rows.append((spec.username, PASSWORD, roles, regions.get(spec.region, spec.region)))
    return rows
