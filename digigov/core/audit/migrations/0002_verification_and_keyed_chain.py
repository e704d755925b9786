"""Re-chain the existing audit entries under the audit key (HMAC-SM3 instead of plain SM3).

Why a one-time re-chain rather than a per-entry algorithm marker: a marker would let anyone who
can write the table mark rows "plain" and recompute them with plain SM3, which is exactly the attack
the key exists to stop; keeping plain rows verifiable forever would keep that door open. At migration
time the database is trusted (the operator runs it), and the plain chain is verified first: if it is
already broken the migration stops and names the row instead of laundering the damage under the key.
The functions below are frozen copies of ``actions.py`` as of this migration.
"""

import datetime as dt
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from digigov.core.crypto import hmac_sm3_hex, sm3_hex

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor_id", "actor", "role", "channel", "action", "object_type", "object_id",
          "object_repr", "before_json", "after_json", "ip", "request_id", "prev_hash")
BATCH = 2000


def _payload(entry, prev_hash):
    data = {name: getattr(entry, name) for name in FIELDS}
    data["prev_hash"] = prev_hash
    data["at"] = entry.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return prev_hash.encode() + text.encode("utf-8")


def _plain(entry, prev_hash):
    return sm3_hex(_payload(entry, prev_hash))


def _keyed(entry, prev_hash):
    return hmac_sm3_hex(bytes.fromhex(settings.DIGIGOV_AUDIT_KEY), _payload(entry, prev_hash))


def _rechain(apps, connection, old, new, label):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    old_prev, new_prev, last_seq = GENESIS, GENESIS, 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:BATCH])
        if not rows:
            break
        for e in rows:
            if e.seq != last_seq + 1 or e.prev_hash != old_prev or e.hash != old(e, old_prev):
                raise RuntimeError(
                    f"审计链在 seq={e.seq} 处已不完整（{label}校验失败），拒绝重新链接；请先用 manage.py audit_verify 调查"
                )
            old_prev = e.hash
            e.prev_hash = new_prev
            e.hash = new(e, new_prev)
            new_prev = e.hash
            last_seq = e.seq
        # plain executemany: bulk_update's CASE WHEN is several times slower over millions of rows
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {AuditEntry._meta.db_table} SET prev_hash = %s, hash = %s WHERE seq = %s",
                [(e.prev_hash, e.hash, e.seq) for e in rows],
            )
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_seq != last_seq or head.last_hash != old_prev:
            raise RuntimeError("审计链头与末条记录不符，拒绝重新链接；请先用 manage.py audit_verify 调查")
        ChainHead.objects.filter(pk=1).update(last_hash=new_prev)


def forwards(apps, schema_editor):
    _rechain(apps, schema_editor.connection, _plain, _keyed, "SM3 ")


def backwards(apps, schema_editor):
    _rechain(apps, schema_editor.connection, _keyed, _plain, "HMAC-SM3 ")



class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(db_index=True, verbose_name='开始时间')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('ok', models.BooleanField(null=True, verbose_name='链完整')),
                ('checked', models.BigIntegerField(default=0, verbose_name='已校验记录数')),
                ('checkpoints', models.IntegerField(default=0, verbose_name='已比对检查点数')),
                ('first_bad_seq', models.BigIntegerField(blank=True, null=True, verbose_name='第一条异常记录序号')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='异常原因')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
            ],
            options={
                'verbose_name': '审计链校验',
                'verbose_name_plural': '审计链校验',
                'ordering': ['-started_at', '-pk'],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
