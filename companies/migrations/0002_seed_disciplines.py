from django.db import migrations

from companies.taxonomy import DISCIPLINES


def seed(apps, schema_editor):
    Discipline = apps.get_model("companies", "Discipline")
    for ordering, (slug, name_en, name_nl) in enumerate(DISCIPLINES):
        Discipline.objects.update_or_create(
            slug=slug, defaults={"name_en": name_en, "name_nl": name_nl, "ordering": ordering}
        )


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
