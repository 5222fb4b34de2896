"""`manage.py seed_demo --scale N`: bulk-generate N published results for benchmarks.

Rows are written with COPY through the same path as publication (supervision.publication
.write_published_rows: shared tokenizer, search vector, term counts). For big loads the search
indexes are dropped first and rebuilt after, which is several times faster than maintaining a
GIN index row by row.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from stdnum.cn import uscc

from supervision.publication.models import Announcement, AnnouncementKind, PublishedResult
from supervision.publication.services import add_search_terms, city_code, quarter_bounds, write_published_rows
from supervision.registry.models import Enterprise, Institution, ProductCategory, Region, RegionLevel
from supervision.spotchecks.models import Field, PlanLevel, Verdict

# category code, name, focus, product names, test items
CATEGORIES: list[tuple[str, str, bool, list[str], list[str]]] = [
    (
        "S01",
        "电水壶",
        True,
        ["电水壶", "养生壶", "电热水壶"],
        ["泄漏电流和电气强度", "发热", "输入功率和电流", "标志和说明"],
    ),
    (
        "S02",
        "童装",
        True,
        ["童装", "婴幼儿服装", "儿童外套", "儿童连衣裙"],
        ["甲醛含量", "pH值", "绳带", "纤维含量", "耐唾液色牢度"],
    ),
    (
        "S03",
        "锂电池",
        True,
        ["锂电池", "锂离子电池", "移动电源", "充电宝"],
        ["过充电保护", "短路保护", "标识", "温度循环"],
    ),
    (
        "S04",
        "插座",
        True,
        ["插座", "转换器", "移动式插座", "排插"],
        ["防触电保护", "插头插套尺寸", "耐热和耐燃", "温升"],
    ),
    ("S05", "电热毯", True, ["电热毯", "电热垫"], ["非正常工作", "发热", "结构", "泄漏电流"]),
    (
        "S06",
        "儿童玩具",
        True,
        ["儿童玩具", "毛绒玩具", "塑胶玩具", "电动玩具"],
        ["小零件", "锐利边缘", "增塑剂", "可迁移元素"],
    ),
    ("S07", "电动自行车", True, ["电动自行车", "电动车"], ["最高车速", "整车质量", "制动性能", "防篡改"]),
    ("S08", "头盔", True, ["电动自行车头盔", "安全帽", "摩托车头盔"], ["冲击吸收性能", "耐穿透性能", "佩戴装置强度"]),
    ("S09", "陶瓷砖", False, ["陶瓷砖", "釉面砖", "瓷质砖"], ["吸水率", "破坏强度", "断裂模数", "尺寸偏差"]),
    ("S10", "建筑涂料", False, ["内墙涂料", "外墙涂料", "乳胶漆"], ["挥发性有机化合物", "甲醛", "耐洗刷性"]),
    ("S11", "鞋类", False, ["运动鞋", "皮鞋", "儿童鞋", "拖鞋"], ["耐折性能", "剥离强度", "外底耐磨", "甲醛"]),
    ("S12", "纸制品", True, ["卫生纸", "纸巾纸", "湿巾"], ["细菌菌落总数", "荧光性物质", "吸水性"]),
    ("S13", "食品接触用塑料", True, ["塑料保鲜盒", "一次性餐盒", "塑料杯"], ["总迁移量", "高锰酸钾消耗量", "重金属"]),
    ("S14", "LED灯具", False, ["LED灯", "LED吸顶灯", "台灯", "护眼灯"], ["骚扰电压", "谐波电流", "标记", "防触电保护"]),
    ("S15", "吹风机", True, ["吹风机", "电吹风"], ["发热", "输入功率", "机械强度"]),
    ("S16", "电饭锅", True, ["电饭锅", "电压力锅", "电饭煲"], ["泄漏电流", "结构", "温升", "接地措施"]),
    (
        "S17",
        "电线电缆",
        True,
        ["电线电缆", "电力电缆", "聚氯乙烯绝缘电线"],
        ["导体电阻", "绝缘厚度", "绝缘老化前拉伸强度"],
    ),
    ("S18", "钢筋", True, ["热轧带肋钢筋", "钢筋"], ["屈服强度", "抗拉强度", "重量偏差"]),
    ("S19", "化肥", True, ["复合肥料", "有机肥料", "尿素"], ["总养分", "水分", "氯离子"]),
    ("S20", "轮胎", True, ["汽车轮胎", "电动车轮胎"], ["强度性能", "耐久性能", "断面宽度"]),
    ("S21", "家具", False, ["办公椅", "儿童家具", "床垫", "衣柜"], ["甲醛释放量", "稳定性", "五金件"]),
    ("S22", "床上用品", False, ["被子", "枕头", "床单", "四件套"], ["纤维含量", "甲醛含量", "耐摩擦色牢度"]),
    ("S23", "燃气灶具", True, ["燃气灶", "燃气热水器"], ["熄火保护", "一氧化碳含量", "热效率"]),
    ("S24", "净水器", True, ["净水器", "饮水机"], ["净水流量", "总净水量", "卫生安全"]),
]
# fmt: off
BRANDS = ["美的", "格力", "小熊", "苏泊尔", "九阳", "奥克斯", "公牛", "飞科", "雷士", "欧普", "安踏", "巴拉巴拉", "晨光", "得力", "好孩子", "雅迪", "爱玛", "立白", "维达", "心相印", "洁柔", "倍思", "绿联", "品胜", "罗马仕", "正泰", "德力西", "志高", "康佳", "创维", "万和", "华帝", "方太", "老板", "顺德", "南粤", "岭南", "珠江", "羊城", "鹏城"]
NAME_WORDS = ["华", "美", "盛", "达", "兴", "利", "宏", "昌", "泰", "鑫", "源", "丰", "嘉", "恒", "信", "德", "安", "康", "宝", "通", "永", "佳", "和", "祥", "瑞", "金", "银", "明", "光", "星", "辉", "科", "创", "新", "天", "海", "诚", "益", "顺", "隆"]
# fmt: on
INDUSTRY = [
    "电器",
    "服饰",
    "电子",
    "科技",
    "实业",
    "玩具",
    "家居",
    "五金",
    "塑料制品",
    "纸业",
    "陶瓷",
    "建材",
    "新能源",
    "照明",
    "贸易",
]
SUFFIX = ["有限公司", "股份有限公司", "制品厂", "实业有限公司"]
PLACES = ["成品库", "仓库", "生产线", "超市货架", "网店", "商场柜台"]


def _uscc(region_code: str, serial: int) -> str:
    base = f"91{region_code}{serial:09d}"
    return base + uscc.calc_check_digit(base)


def _registry(rng: random.Random, enterprises: int) -> dict[str, Any]:
    """Categories, institutions and enterprises the generated rows reference (created once)."""
    cats = []
    for code, name, focus, _products, _items in CATEGORIES:
        cat, _ = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name, "health_safety": focus, "complaint_focus": focus}
        )
        cats.append(cat)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="44").values_list("code", "name"))
    cities = dict(Region.objects.filter(level=RegionLevel.CITY, code__startswith="44").values_list("code", "name"))
    insts = []
    for i, (code, name) in enumerate(sorted(cities.items())):
        inst, _ = Institution.objects.get_or_create(
            accreditation_no=f"CMA-SCALE-{i:03d}",
            defaults={
                "name": f"{name}质量计量监督检测所",
                "region_id": code,
                "valid_from": dt.date(2018, 1, 1),
                "valid_to": dt.date(2030, 12, 31),
            },
        )
        insts.append(inst)
    existing = Enterprise.objects.filter(uscc__startswith="91").filter(address="SCALE").count()
    new = []
    for serial in range(existing, enterprises):
        county_code, county_name = counties[serial % len(counties)]
        city_name = cities.get(county_code[:4] + "00", "")
        name = (
            f"{city_name.removesuffix('市')}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}"
            f"{rng.choice(INDUSTRY)}{rng.choice(SUFFIX)}"
        )
        new.append(
            Enterprise(uscc=_uscc(county_code, 500_000_000 + serial), name=name, address="SCALE", region_id=county_code)
        )
    Enterprise.objects.bulk_create(new, batch_size=5000)
    ents = list(Enterprise.objects.filter(address="SCALE").values_list("id", "name", "region_id")[:enterprises])
    return {"categories": cats, "institutions": insts, "enterprises": ents}


def _announcements(first_year: int, last: tuple[int, int]) -> list[Announcement]:
    province = Region.objects.get(code="440000")
    out = []
    year, quarter = first_year, 1
    while (year, quarter) <= last:
        _first, last_day = quarter_bounds(year, quarter)
        ann, _ = Announcement.objects.get_or_create(
            kind=AnnouncementKind.QUARTERLY,
            region=province,
            year=year,
            quarter=quarter,
            defaults={
                "number": f"440000-{year}Q{quarter}",
                "title": f"广东省{year}年第{quarter}季度产品质量监督抽查结果公告",
                "published_at": dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(2), tzinfo=dt.UTC),
            },
        )
        out.append(ann)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _rows(n: int, rng: random.Random, reg: dict[str, Any], anns: list[Announcement]) -> Iterator[dict[str, Any]]:
    cats = reg["categories"]
    insts = reg["institutions"]
    ents = reg["enterprises"]
    fields = [Field.PRODUCTION, Field.CIRCULATION, Field.ONLINE]
    levels = [PlanLevel.NATIONAL, PlanLevel.PROVINCIAL, PlanLevel.PROVINCIAL, PlanLevel.CITY, PlanLevel.COUNTY]
    per = max(1, n // len(anns))
    for i in range(n):
        ann = anns[min(i // per, len(anns) - 1)]
        first_day, last_day = quarter_bounds(ann.year, ann.quarter)
        published_on = last_day + dt.timedelta(days=1 + (i % 5))
        ci = rng.randrange(len(cats))
        cat = cats[ci]
        _code, _name, focus, products, items = CATEGORIES[ci]
        ent_id, ent_name, region_code = ents[rng.randrange(len(ents))]
        inst = insts[rng.randrange(len(insts))]
        r = rng.random()
        verdict = Verdict.PASS if r >= 0.12 else (Verdict.FAIL_REFUSED if r < 0.004 else Verdict.FAIL)
        if verdict == Verdict.FAIL:
            failed = "；".join(rng.sample(items, rng.randint(1, min(3, len(items)))))
        elif verdict == Verdict.FAIL_REFUSED:
            failed = "拒绝接受监督抽查"
        else:
            failed = ""
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTXYZ") for _ in range(rng.randint(1, 3)))
        model = f"{letters}-{rng.randint(10, 99)}{rng.choice('ABCDEGHKSTX')}{rng.randint(1, 99):02d}"
        sampled = first_day + dt.timedelta(days=rng.randrange((last_day - first_day).days + 1))
        field = fields[rng.randrange(3)]
        yield {
            "announcement_id": ann.pk,
            "sample_id": None,
            "corrects_id": None,
            "published_on": published_on,
            "sampled_on": sampled,
            "year": ann.year,
            "quarter": ann.quarter,
            "enterprise_id": ent_id,
            "enterprise_name": ent_name,
            "producer_name": "",
            "product_name": rng.choice(products),
            "category_id": cat.pk,
            "category_name": cat.name,
            "focus": focus,
            "trademark": rng.choice(BRANDS),
            "model_spec": model,
            "batch": sampled.strftime("%Y%m%d"),
            "sampling_place": rng.choice(PLACES) if field != Field.ONLINE else "天猫旗舰店",
            "field": field,
            "level": levels[rng.randrange(len(levels))],
            "verdict": verdict,
            "failed_items": failed,
            "institution_id": inst.pk,
            "institution_name": inst.name,
            "region_id": region_code,
            "city_code": city_code(region_code),
        }


SEARCH_INDEXES = {
    "published_search_gin": "CREATE INDEX published_search_gin ON {t} USING gin (search)",
    "published_date_id": "CREATE INDEX published_date_id ON {t} (published_on DESC, id DESC)",
    "published_verdict_date_id": "CREATE INDEX published_verdict_date_id ON {t} (verdict, published_on DESC, id DESC)",
}


def generate_published(n: int, *, seed: int = 20261126, enterprises: int | None = None, verbose: bool = True) -> int:
    """Bulk-generate n published results (and the registry rows they reference), with vectors and
    term counts; returns the number of rows written."""
    rng = random.Random(seed)
    started = time.monotonic()
    reg = _registry(rng, enterprises or max(200, min(n // 20, 50_000)))
    anns = _announcements(2019, (2026, 3))
    table = PublishedResult._meta.db_table
    big = n >= 100_000
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # Foreign keys are DEFERRABLE: check them row by row now, or the queued checks block the
            # index rebuild ("pending trigger events") and hold a million events in memory.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # generated announcements get their row counts after the rows: published records are
            # otherwise immutable (migration 0008), so this bulk generator says it is maintenance
            cur.execute("SET LOCAL portal.published_maintenance = 'on'")
            if big:
                for name in SEARCH_INDEXES:
                    cur.execute(f"DROP INDEX IF EXISTS {name}")
        written, terms = write_published_rows(_rows(n, rng, reg, anns))
        add_search_terms(terms)
        if verbose:
            print(f"copied {written} rows in {time.monotonic() - started:.1f}s")  # noqa: T201
        if big:
            with connection.cursor() as cur:
                for sql in SEARCH_INDEXES.values():
                    cur.execute(sql.format(t=table))
        for ann in anns:
            Announcement.objects.filter(pk=ann.pk).update(
                row_count=PublishedResult.objects.filter(announcement=ann).count()
            )
    if not connection.in_atomic_block:
        # the visibility map lets index-only counts skip the heap; ANALYZE gives the planner the new sizes
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {table}")
    if verbose:
        print(f"generated {written} published results in {time.monotonic() - started:.1f}s")  # noqa: T201
    return written
