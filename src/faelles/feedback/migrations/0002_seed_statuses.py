from django.db import migrations

from faelles.feedback.defaults import DEFAULT_STATUSES


def seed(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    Status = apps.get_model("feedback", "Status")
    for municipality in Municipality.objects.all():
        for row in DEFAULT_STATUSES:
            if not Status.objects.filter(municipality=municipality, key=row["key"]).exists():
                Status.objects.create(
                    municipality=municipality, name=row["name_da"],
                    description=row["description_da"], **row,
                )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
