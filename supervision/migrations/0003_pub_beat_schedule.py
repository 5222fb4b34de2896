"""The quarterly publication beat entry (R5): 02:00 Asia/Shanghai on 1 Jan/Apr/Jul/Oct."""

from django.db import migrations

TASK = "supervision.publish_quarter_task"
NAME = "季度结果公告（国发〔1999〕24号 第十四条、第二十一条）"


def ensure_beat_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_month="1", month_of_year="1,4,7,10", day_of_week="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "interval": None, "enabled": True, "args": "[]"}
    )


def remove_beat_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_guangdong_regions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(ensure_beat_schedule, remove_beat_schedule)]
