"""Personal fields of NaturalPerson encrypted at rest (SM4-GCM) with a blind index for the ID number.

Schema: new binary columns beside the clear ones; data: every row encrypted in keyset batches by primary
key (``BATCH`` rows per short transaction, raw SELECT/UPDATE, nothing materialised, so memory stays
bounded on the full city's 2.2 million people and an interrupted run resumes where it stopped: only rows
whose ``id_number_ct`` is still empty are taken); then the clear columns are dropped and the new ones
take their names. The uniqueness of the ID number moves to its blind index.

Non-atomic on purpose: one transaction over 2.2 million updates would hold the whole change in the WAL.
"""

from django.db import migrations, models, transaction

import digigov.core.accounts.models
import digigov.core.pii

TABLE = "accounts_naturalperson"
FIELDS = ("id_number", "phone", "address")
BATCH = 5000


def _batches(schema_editor, select_sql):
    """Yield lists of rows in primary-key order, BATCH at a time (keyset pagination)."""
    conn = schema_editor.connection
    last = 0
    while True:
        with conn.cursor() as cur:
            cur.execute(select_sql, [last, BATCH])
            rows = cur.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def encrypt_rows(apps, schema_editor, *, progress=None):
    from digigov.core import pii

    conn = schema_editor.connection
    qn = conn.ops.quote_name
    binary = conn.Database.Binary
    seal = index = None  # made at the first row: an empty table needs no key (a new database makes none here)
    select = (f"SELECT id, id_number, phone, address FROM {qn(TABLE)} WHERE id > %s AND id_number_ct IS NULL "
              f"ORDER BY id LIMIT %s")
    update = f"UPDATE {qn(TABLE)} SET id_number_ct = %s, phone_ct = %s, address_ct = %s, id_number_bidx = %s WHERE id = %s"
    for rows in _batches(schema_editor, select):
        if seal is None:
            seal = {f: pii.BulkSealer(TABLE, f) for f in FIELDS}
            index = pii.BulkBlindIndex(TABLE, "id_number")
        params = [(binary(seal["id_number"](idn or "")), binary(seal["phone"](phone or "")), binary(seal["address"](addr or "")),
                   binary(index(idn)) if idn else None, pk) for pk, idn, phone, addr in rows]
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            cur.executemany(update, params)
        if progress:
            progress(len(rows))


def decrypt_rows(apps, schema_editor):
    """Back to clear text (``migrate accounts 0004``): the reverse of ``encrypt_rows``."""
    from digigov.core import pii

    conn = schema_editor.connection
    qn = conn.ops.quote_name
    select = f"SELECT id, id_number_ct, phone_ct, address_ct FROM {qn(TABLE)} WHERE id > %s ORDER BY id LIMIT %s"
    update = f"UPDATE {qn(TABLE)} SET id_number = %s, phone = %s, address = %s WHERE id = %s"
    for rows in _batches(schema_editor, select):
        params = [(*(pii.unseal_text(TABLE, f, blob) for f, blob in zip(FIELDS, r[1:])), r[0]) for r in rows]
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            cur.executemany(update, params)


def _not_null(apply: bool):
    """PostgreSQL: the new columns become NOT NULL like the model says (a scan, no rewrite). SQLite cannot
    add NOT NULL without copying the whole table, so its columns stay nullable; the model never writes NULL."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for f in FIELDS:
            schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {f} {'SET' if apply else 'DROP'} NOT NULL")

    return run


UNIQUE_INDEX = "accounts_naturalperson_id_number_bidx_uniq"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0004_realname_level_login_events"),
        ("keys", "0001_initial"),
        ("audit", "0002_verification_and_keyed_chain"),
        ("rbac", "0002_role_system"),
    ]

    # Every step but the first is cheap on a full table: nullable columns are added with ALTER TABLE ADD
    # COLUMN, plain columns dropped with DROP COLUMN, renamed with RENAME COLUMN, and the unique index of the
    # blind index built once at the end. The first (dropping the ID number's inline UNIQUE) makes SQLite copy
    # the table once.
    operations = [
        # (nullable too: going back, the column is added again before its values are restored)
        migrations.AlterField("naturalperson", "id_number", models.CharField(max_length=18, null=True, verbose_name="公民身份号码")),
        migrations.AddField("naturalperson", "id_number_ct", models.BinaryField(null=True)),
        migrations.AddField("naturalperson", "phone_ct", models.BinaryField(null=True)),
        migrations.AddField("naturalperson", "address_ct", models.BinaryField(null=True)),
        migrations.AddField("naturalperson", "id_number_bidx", models.BinaryField(null=True, editable=False)),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
        migrations.RemoveField("naturalperson", "id_number"),
        migrations.RemoveField("naturalperson", "phone"),
        migrations.RemoveField("naturalperson", "address"),
        migrations.RenameField("naturalperson", "id_number_ct", "id_number"),
        migrations.RenameField("naturalperson", "phone_ct", "phone"),
        migrations.RenameField("naturalperson", "address_ct", "address"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(_not_null(True), _not_null(False)),
                migrations.RunSQL(f"CREATE UNIQUE INDEX {UNIQUE_INDEX} ON {TABLE} (id_number_bidx)", f"DROP INDEX {UNIQUE_INDEX}"),
            ],
            state_operations=[
                migrations.AlterField("naturalperson", "id_number", digigov.core.pii.EncryptedTextField(
                    max_length=18, validators=[digigov.core.accounts.models.validate_resident_id], verbose_name="公民身份号码")),
                migrations.AlterField("naturalperson", "phone", digigov.core.pii.EncryptedTextField(blank=True, max_length=11, verbose_name="手机号码")),
                migrations.AlterField("naturalperson", "address", digigov.core.pii.EncryptedTextField(blank=True, max_length=200, verbose_name="住址")),
                migrations.AlterField("naturalperson", "id_number_bidx", digigov.core.pii.BlindIndexField(
                    source="id_number", unique=True, verbose_name="公民身份号码盲索引")),
            ],
        ),
    ]
