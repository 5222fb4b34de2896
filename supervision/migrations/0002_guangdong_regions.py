from django.db import migrations


def load_regions(apps, schema_editor):
    from supervision.regions_gd import CITIES, PROVINCE

    Region = apps.get_model("supervision", "Region")
    Authority = apps.get_model("supervision", "Authority")
    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level="province")
    Authority.objects.create(region=province, name="广东省质量技术监督局", government="广东省人民政府")
    for (city_code, city_name), counties in CITIES.items():
        city = Region.objects.create(code=city_code, name=city_name, level="city", parent=province)
        Authority.objects.create(region=city, name=f"{city_name}质量技术监督局", government=f"{city_name}人民政府")
        for code, name in counties:
            county = Region.objects.create(code=code, name=name, level="county", parent=city)
            Authority.objects.create(
                region=county, name=f"{city_name}{name}质量技术监督局", government=f"{city_name}{name}人民政府"
            )


def unload_regions(apps, schema_editor):
    apps.get_model("supervision", "Authority").objects.filter(region__code__startswith="44").delete()
    Region = apps.get_model("supervision", "Region")
    for level in ("county", "city", "province"):
        Region.objects.filter(code__startswith="44", level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
