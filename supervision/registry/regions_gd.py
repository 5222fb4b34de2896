"""GB/T 2260 codes of Guangdong: the province, its 21 prefecture-level cities and their counties.

东莞 (441900) and 中山 (442000) have no county level: their towns report to the city.
"""

from typing import Any

PROVINCE = ("440000", "广东省")

CITIES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("440100", "广州市"): [
        ("440103", "荔湾区"),
        ("440104", "越秀区"),
        ("440105", "海珠区"),
        ("440106", "天河区"),
        ("440111", "白云区"),
        ("440112", "黄埔区"),
        ("440113", "番禺区"),
        ("440114", "花都区"),
        ("440115", "南沙区"),
        ("440117", "从化区"),
        ("440118", "增城区"),
    ],
    ("440200", "韶关市"): [
        ("440203", "武江区"),
        ("440204", "浈江区"),
        ("440205", "曲江区"),
        ("440222", "始兴县"),
        ("440224", "仁化县"),
        ("440229", "翁源县"),
        ("440232", "乳源瑶族自治县"),
        ("440233", "新丰县"),
        ("440281", "乐昌市"),
        ("440282", "南雄市"),
    ],
    ("440300", "深圳市"): [
        ("440303", "罗湖区"),
        ("440304", "福田区"),
        ("440305", "南山区"),
        ("440306", "宝安区"),
        ("440307", "龙岗区"),
        ("440308", "盐田区"),
        ("440309", "龙华区"),
        ("440310", "坪山区"),
        ("440311", "光明区"),
    ],
    ("440400", "珠海市"): [("440402", "香洲区"), ("440403", "斗门区"), ("440404", "金湾区")],
    ("440500", "汕头市"): [
        ("440507", "龙湖区"),
        ("440511", "金平区"),
        ("440512", "濠江区"),
        ("440513", "潮阳区"),
        ("440514", "潮南区"),
        ("440515", "澄海区"),
        ("440523", "南澳县"),
    ],
    ("440600", "佛山市"): [
        ("440604", "禅城区"),
        ("440605", "南海区"),
        ("440606", "顺德区"),
        ("440607", "三水区"),
        ("440608", "高明区"),
    ],
    ("440700", "江门市"): [
        ("440703", "蓬江区"),
        ("440704", "江海区"),
        ("440705", "新会区"),
        ("440781", "台山市"),
        ("440783", "开平市"),
        ("440784", "鹤山市"),
        ("440785", "恩平市"),
    ],
    ("440800", "湛江市"): [
        ("440802", "赤坎区"),
        ("440803", "霞山区"),
        ("440804", "坡头区"),
        ("440811", "麻章区"),
        ("440823", "遂溪县"),
        ("440825", "徐闻县"),
        ("440881", "廉江市"),
        ("440882", "雷州市"),
        ("440883", "吴川市"),
    ],
    ("440900", "茂名市"): [
        ("440902", "茂南区"),
        ("440904", "电白区"),
        ("440981", "高州市"),
        ("440982", "化州市"),
        ("440983", "信宜市"),
    ],
    ("441200", "肇庆市"): [
        ("441202", "端州区"),
        ("441203", "鼎湖区"),
        ("441204", "高要区"),
        ("441223", "广宁县"),
        ("441224", "怀集县"),
        ("441225", "封开县"),
        ("441226", "德庆县"),
        ("441284", "四会市"),
    ],
    ("441300", "惠州市"): [
        ("441302", "惠城区"),
        ("441303", "惠阳区"),
        ("441322", "博罗县"),
        ("441323", "惠东县"),
        ("441324", "龙门县"),
    ],
    ("441400", "梅州市"): [
        ("441402", "梅江区"),
        ("441403", "梅县区"),
        ("441422", "大埔县"),
        ("441423", "丰顺县"),
        ("441424", "五华县"),
        ("441426", "平远县"),
        ("441427", "蕉岭县"),
        ("441481", "兴宁市"),
    ],
    ("441500", "汕尾市"): [("441502", "城区"), ("441521", "海丰县"), ("441523", "陆河县"), ("441581", "陆丰市")],
    ("441600", "河源市"): [
        ("441602", "源城区"),
        ("441621", "紫金县"),
        ("441622", "龙川县"),
        ("441623", "连平县"),
        ("441624", "和平县"),
        ("441625", "东源县"),
    ],
    ("441700", "阳江市"): [("441702", "江城区"), ("441704", "阳东区"), ("441721", "阳西县"), ("441781", "阳春市")],
    ("441800", "清远市"): [
        ("441802", "清城区"),
        ("441803", "清新区"),
        ("441821", "佛冈县"),
        ("441823", "阳山县"),
        ("441825", "连山壮族瑶族自治县"),
        ("441826", "连南瑶族自治县"),
        ("441881", "英德市"),
        ("441882", "连州市"),
    ],
    ("441900", "东莞市"): [],
    ("442000", "中山市"): [],
    ("445100", "潮州市"): [("445102", "湘桥区"), ("445103", "潮安区"), ("445122", "饶平县")],
    ("445200", "揭阳市"): [
        ("445202", "榕城区"),
        ("445203", "揭东区"),
        ("445222", "揭西县"),
        ("445224", "惠来县"),
        ("445281", "普宁市"),
    ],
    ("445300", "云浮市"): [
        ("445302", "云城区"),
        ("445303", "云安区"),
        ("445321", "新兴县"),
        ("445322", "郁南县"),
        ("445381", "罗定市"),
    ],
}


# 机关代字 of the province and its cities: the stem of each bureau's document numbers
# (粤质监〔2026〕12号). A county's is its city's one-character name, the county's name without its
# last character, and 质监 (穗天河质监): unique inside the province.
PROVINCE_DOCUMENT_CODE = "粤质监"
CITY_SHORT_NAMES: dict[str, str] = {
    "440100": "穗",
    "440200": "韶",
    "440300": "深",
    "440400": "珠",
    "440500": "汕",
    "440600": "佛",
    "440700": "江",
    "440800": "湛",
    "440900": "茂",
    "441200": "肇",
    "441300": "惠",
    "441400": "梅",
    "441500": "汕尾",
    "441600": "河",
    "441700": "阳",
    "441800": "清",
    "441900": "莞",
    "442000": "中",
    "445100": "潮",
    "445200": "揭",
    "445300": "云",
}


def document_code(code: str, name: str) -> str:
    """The 机关代字 of the bureau of a Guangdong region ('' outside Guangdong)."""
    if code == PROVINCE[0]:
        return PROVINCE_DOCUMENT_CODE
    city = CITY_SHORT_NAMES.get(code[:4] + "00")
    if city is None:
        return ""
    if code.endswith("00"):
        return f"{city}质监"
    return f"{city}{name[:-1] if len(name) > 2 else name}质监"


def fill_document_codes(authority_model: Any) -> None:
    """Give every Guangdong bureau without one its 机关代字 (idempotent; migration 0007 and `load`)."""
    missing = list(
        authority_model.objects.filter(region__code__startswith="44", document_code="").select_related("region")
    )
    for authority in missing:
        authority.document_code = document_code(authority.region.code, authority.region.name)
    authority_model.objects.bulk_update(missing, ["document_code"])


def load(region_model: Any, authority_model: Any) -> None:
    """Create the regions and their authorities that are missing (idempotent).

    Takes the model classes so the data migration can pass its historical models.
    """
    existing = set(region_model.objects.filter(code__startswith="44").values_list("code", flat=True))
    regions, authorities = [], []

    def add(code: str, name: str, level: str, parent_code: str | None, authority: str, government: str) -> None:
        if code in existing:
            return
        regions.append(region_model(code=code, name=name, level=level, parent_id=parent_code))
        authorities.append(authority_model(region_id=code, name=authority, government=government))

    add(PROVINCE[0], PROVINCE[1], "province", None, "广东省质量技术监督局", "广东省人民政府")
    for (city_code, city_name), counties in CITIES.items():
        add(city_code, city_name, "city", PROVINCE[0], f"{city_name}质量技术监督局", f"{city_name}人民政府")
        for code, name in counties:
            add(code, name, "county", city_code, f"{city_name}{name}质量技术监督局", f"{city_name}{name}人民政府")
    region_model.objects.bulk_create(regions)
    authority_model.objects.bulk_create(authorities)
    # migration 0002 passes the historical model, from before the field existed
    if any(f.name == "document_code" for f in authority_model._meta.get_fields()):
        fill_document_codes(authority_model)
