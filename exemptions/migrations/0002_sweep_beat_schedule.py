"""The daily exemptions sweep in beat (expiry and revocation, 第十六条)."""

from django.db import migrations

NAME = "免检期满与取消（国发〔1999〕24号 第十六条）"


def ensure_beat_schedule(apps, schema_editor):
    from exemptions.tasks import ensure_beat_schedule as ensure

    ensure(apps.get_model("django_celery_beat", "CrontabSchedule"), apps.get_model("django_celery_beat", "PeriodicTask"))


def remove_beat_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exemptions", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(ensure_beat_schedule, remove_beat_schedule)]
