from django.db import migrations

from companies.taxonomy import THEMES

FOCUS_COUNTRIES = [
    ("DE", 1,
     "Germany is the Netherlands' largest trading partner. The Lab works on mobility, the energy "
     "transition and the ageing society with cities and companies in Berlin and beyond.",
     "Duitsland is de grootste handelspartner van Nederland. Het Lab werkt aan mobiliteit, de "
     "energietransitie en de vergrijzing met steden en bedrijven in Berlijn en daarbuiten."),
    ("CN", 2,
     "China's cities face fast growth, an ageing population and a push for sustainable living. "
     "The Labs in Shanghai and Shenzhen connect those questions to Dutch creative makers.",
     "Chinese steden staan voor snelle groei, vergrijzing en de wens om duurzamer te leven. De "
     "Labs in Shanghai en Shenzhen verbinden die vragen met Nederlandse creatieve makers."),
    ("US", 3,
     "In the USA the Lab works from New York with cities, foundations and brands on health, "
     "inclusion, water and the future of the city.",
     "In de VS werkt het Lab vanuit New York met steden, fondsen en merken aan gezondheid, "
     "inclusie, water en de stad van de toekomst."),
]


def seed(apps, schema_editor):
    Country = apps.get_model("labs", "Country")
    Theme = apps.get_model("labs", "Theme")
    for code, ordering, intro_en, intro_nl in FOCUS_COUNTRIES:
        Country.objects.update_or_create(
            code=code,
            defaults={"is_focus": True, "ordering": ordering, "introduction_en": intro_en, "introduction_nl": intro_nl},
        )
    Country.objects.update_or_create(code="NL", defaults={"is_focus": False, "ordering": 0})
    focus = list(Country.objects.filter(is_focus=True))
    for slug, name_en, name_nl, description_en, description_nl in THEMES:
        theme, created = Theme.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_nl": name_nl,
                "description_en": description_en,
                "description_nl": description_nl,
            },
        )
        if created:
            theme.countries.set(focus)


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
