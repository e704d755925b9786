from django.db import models


class DemoRun(models.Model):
    """One generator's completed run: what makes ``manage.py democity`` idempotent."""

    generator = models.CharField(max_length=64, unique=True)
    seed = models.BigIntegerField()
    scale = models.FloatField()
    rows = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "示范数据生成记录"
        verbose_name_plural = "示范数据生成记录"
