"""Load the SDG catalogue, so every database (and every test database) has it."""

from django.db import migrations


def load(apps, schema_editor):
    from faelles.sdg.services import sdg_catalogue_load

    sdg_catalogue_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("sdg", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
