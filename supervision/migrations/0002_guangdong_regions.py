from django.db import migrations


def load_regions(apps, schema_editor):
    from supervision.registry.regions_gd import load

    load(apps.get_model("supervision", "Region"), apps.get_model("supervision", "Authority"))


def unload_regions(apps, schema_editor):
    apps.get_model("supervision", "Authority").objects.filter(region__code__startswith="44").delete()
    Region = apps.get_model("supervision", "Region")
    for level in ("county", "city", "province"):
        Region.objects.filter(code__startswith="44", level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
