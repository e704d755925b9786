"""Benchmark: finding a person by ID number through the blind index against a plain indexed column.

    .venv/bin/python bench/pii.py [--n 2200000] [--lookups 5000] [--rounds 3]

1. Creates a fresh SQLite database in a temporary directory (DATABASE_URL and DIGIGOV_VAR_DIR are set
   before Django starts; the master key is generated there) and migrates it.
2. Fills ``accounts_naturalperson`` with N people (default: the full city, 2.2 million). The people that
   are looked up (``--sample``, default 20,000) are real: their ID number, phone and address are sealed
   under the ``pii`` key and their blind index is the HMAC-SM3 of the ID number. The rest are filler of the
   same shape (random 32-byte index values, random ciphertext of the real lengths) so that the table and
   its unique index have full-city size without encrypting 2.2 million rows first.
   A plain table ``bench_plain_person`` gets the same N people in clear text with a UNIQUE index on
   ``id_number`` (the schema before encryption). Indexes are built after the load.
3. Blind: ``NaturalPerson.objects.get(blind(NaturalPerson, "id_number", idn))`` and reading the three
   personal fields (HMAC + indexed query + SM4-GCM decryption of the row's fields, as the detail page
   does). Plain: the same ORM ``get`` on the plain table's indexed column and reading the same fields.
   The two are interleaved over R rounds over the same random sample; the best round of each counts.
   Prints both lookups/s and ratio = blind / plain (goal ≥ 0.5).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2_200_000, help="people in each table (default 2,200,000: the full city)")
    parser.add_argument("--sample", type=int, default=20_000, help="people sealed for real and looked up (default 20,000)")
    parser.add_argument("--lookups", type=int, default=5000, help="lookups per round (default 5000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("DIGIGOV_MASTER_KEY", None)
    with scratch_database("digigov-bench-pii-"):
        return run(args)


_DAYS: list[tuple[str, int]] = []
_SEQS: list[tuple[str, int]] = []


def _id_number(i: int) -> str:
    """A distinct valid GB 11643 number per ``i``: birth day (1950 on, every 7th day) and sequence number,
    with the check digit from precomputed partial sums (2.2 million of them are made per run)."""
    from digigov.core.accounts.ids import ID_CHECK, ID_WEIGHTS

    if not _DAYS:
        import datetime as dt

        region = "210602"
        base = sum(int(c) * w for c, w in zip(region, ID_WEIGHTS[:6]))
        for k in range(3000):
            digits = region + f"{dt.date(1950, 1, 1) + dt.timedelta(days=k * 7):%Y%m%d}"
            _DAYS.append((digits, base + sum(int(c) * w for c, w in zip(digits[6:], ID_WEIGHTS[6:14]))))
        _SEQS.extend((f"{q:03d}", sum(int(c) * w for c, w in zip(f"{q:03d}", ID_WEIGHTS[14:17]))) for q in range(1000))
    day, day_sum = _DAYS[i // 1000]
    seq, seq_sum = _SEQS[i % 1000]
    return day + seq + ID_CHECK[(day_sum + seq_sum) % 11]


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, models

    from digigov.core import pii
    from digigov.core.accounts.models import NaturalPerson
    from digigov.core.org.models import Division
    from digigov.core.testing import City
    from digigov.security.keys import api

    assert connection.vendor == "sqlite", "the benchmark runs on a temporary SQLite database"
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    City()
    division = Division.objects.order_by("-level").values_list("pk", flat=True).first()
    n, sample = args.n, min(args.sample, args.n)
    rng = random.Random(7)
    real = set(rng.sample(range(n), sample))
    table = NaturalPerson._meta.db_table
    seal = {c: pii.BulkSealer(table, c) for c in ("id_number", "phone", "address")}
    index = pii.BulkBlindIndex(table, "id_number")
    address = "辽宁省丹东市元宝区广济街道兴东社区{}号楼{}单元{}01室"
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous = OFF")
        cur.execute("PRAGMA cache_size = -262144")
        # indexes are built once after the load (a bulk load into live B-trees in random key order is slow)
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("CREATE TABLE bench_plain_person (id integer PRIMARY KEY, public_id varchar(22) NOT NULL UNIQUE, created_at datetime NOT NULL, "
                    "updated_at datetime NOT NULL, voided_at datetime NULL, void_reason varchar(200) NOT NULL, voided_by_id bigint NULL, "
                    "id_number varchar(18) NOT NULL, name varchar(32) NOT NULL, gender varchar(1) NOT NULL, birth_date date NOT NULL, "
                    "phone varchar(11) NOT NULL, address varchar(200) NOT NULL, division_id bigint NOT NULL)")
        now = "2026-01-01 00:00:00"
        cols = ("id", "public_id", "created_at", "updated_at", "voided_at", "void_reason", "voided_by_id", "id_number", "id_number_bidx", "name",
                "gender", "birth_date", "phone", "address", "division_id")
        enc_sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        plain_cols = tuple(c for c in cols if c != "id_number_bidx")
        plain_sql = f"INSERT INTO bench_plain_person ({', '.join(plain_cols)}) VALUES ({', '.join(['%s'] * len(plain_cols))})"
        urandom = os.urandom
        for start in range(0, n, 50_000):
            enc_rows, plain_rows = [], []
            for i in range(start, min(n, start + 50_000)):
                idn, phone, addr = _id_number(i), f"139{i:08d}", address.format(i % 60 + 1, i % 6 + 1, i % 18 + 1)
                if i in real:
                    ct = (seal["id_number"](idn), index(idn), seal["phone"](phone), seal["address"](addr))
                else:  # filler of the real shape: header + nonce + text + tag
                    ct = (urandom(33 + 18), urandom(32), urandom(33 + 11), urandom(33 + len(addr.encode())))
                common = (i + 1, f"b{i:015d}", now, now, None, "", None)
                enc_rows.append((*common, ct[0], ct[1], "居民", "M", "1980-01-01", ct[2], ct[3], division))
                plain_rows.append((*common, idn, "居民", "M", "1980-01-01", phone, addr, division))
            cur.executemany(enc_sql, enc_rows)
            cur.executemany(plain_sql, plain_rows)
        for _name, sql in indexes:
            cur.execute(sql)
        cur.execute("CREATE UNIQUE INDEX bench_plain_person_id_number_uniq ON bench_plain_person (id_number)")
        cur.execute("CREATE INDEX bench_plain_person_division_name ON bench_plain_person (division_id, name)")
        cur.execute("ANALYZE")
    api.flush_usage()
    print(f"generated {n:,} people in each table ({sample:,} sealed for real) in {time.perf_counter() - t0:.0f}s", flush=True)

    class PlainPerson(models.Model):
        """NaturalPerson's columns as they were before encryption (same ORM work per row)."""

        public_id = models.CharField(max_length=22, unique=True)
        created_at = models.DateTimeField()
        updated_at = models.DateTimeField()
        voided_at = models.DateTimeField(null=True)
        void_reason = models.CharField(max_length=200)
        voided_by_id = models.BigIntegerField(null=True)
        id_number = models.CharField(max_length=18, unique=True)
        name = models.CharField(max_length=32)
        gender = models.CharField(max_length=1)
        birth_date = models.DateField()
        phone = models.CharField(max_length=11)
        address = models.CharField(max_length=200)
        division_id = models.BigIntegerField()

        class Meta:
            app_label = "accounts"
            managed = False
            db_table = "bench_plain_person"

    blind = pii.blind
    looked_up = [_id_number(i) for i in rng.sample(sorted(real), min(args.lookups, sample))]

    def by_blind_index():
        for idn in looked_up:
            p = NaturalPerson.objects.get(blind(NaturalPerson, "id_number", idn))
            assert p.id_number == idn and p.phone and p.address

    def by_plain_column():
        for idn in looked_up:
            p = PlainPerson.objects.get(id_number=idn)
            assert p.id_number == idn and p.phone and p.address

    best = {"blind": 0.0, "plain": 0.0}
    for _ in range(args.rounds):
        for name, fn in (("plain", by_plain_column), ("blind", by_blind_index)):
            t = time.perf_counter()
            fn()
            best[name] = max(best[name], len(looked_up) / (time.perf_counter() - t))
    api.flush_usage()
    print(f"plain indexed column: {best['plain']:,.0f} lookups/s")
    print(f"blind index + decrypt: {best['blind']:,.0f} lookups/s")
    ratio = best["blind"] / best["plain"]
    print(f"ratio {ratio:.2f} (goal >= 0.5)")
    return 0 if ratio >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
