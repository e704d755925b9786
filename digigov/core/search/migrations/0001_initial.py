from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=32, verbose_name="对象类型")),
                ("key", models.CharField(max_length=64, verbose_name="对象标识")),
                ("ref", models.BigIntegerField(blank=True, help_text="对象的整数主键（有则填），用于与业务表关联", null=True, verbose_name="整数标识")),
                ("name", models.TextField(blank=True, verbose_name="名称分词")),
                ("items", models.TextField(blank=True, verbose_name="明细分词")),
                ("body", models.TextField(blank=True, verbose_name="正文分词")),
                ("filters", models.JSONField(blank=True, default=dict, verbose_name="筛选值")),
            ],
            options={"verbose_name": "检索文档", "verbose_name_plural": "检索文档",
                     "indexes": [models.Index(fields=["kind", "ref"], name="search_sear_kind_67249f_idx")],
                     "constraints": [models.UniqueConstraint(fields=("kind", "key"), name="search_document_unique")]},
        ),
    ]
