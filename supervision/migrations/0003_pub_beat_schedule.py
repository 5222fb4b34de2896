"""The quarterly publication beat entry (R5): 02:00 Asia/Shanghai on 1 Jan/Apr/Jul/Oct."""

from django.db import migrations

NAME = "季度结果公告（国发〔1999〕24号 第十四条、第二十一条）"


def ensure_beat_schedule(apps, schema_editor):
    from supervision.publication.tasks import ensure_beat_schedule as ensure

    ensure(apps.get_model("django_celery_beat", "CrontabSchedule"), apps.get_model("django_celery_beat", "PeriodicTask"))


def remove_beat_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_guangdong_regions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(ensure_beat_schedule, remove_beat_schedule)]
