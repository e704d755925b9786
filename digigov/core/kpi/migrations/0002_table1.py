from django.db import migrations


def load(apps, schema_editor):
    from digigov.core.kpi.definitions import TABLE_1

    KpiDefinition = apps.get_model("kpi", "KpiDefinition")
    for seq, (code, category, name, definition, base, target, nature, system) in enumerate(TABLE_1, start=1):
        KpiDefinition.objects.update_or_create(
            code=code,
            defaults=dict(seq=seq, category=category, name=name, definition=definition, baseline_2022=base,
                          target_2025=target, nature=nature, system=system),
        )


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
