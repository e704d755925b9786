"""``manage.py link_persons``: links CSV extracts given mappings; bad input is reported, never a crash."""

import csv
import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from digigov.data.linkage import synth

# each department names its columns its own way
COLUMNS = {
    "gongan": {"row_id": "记录号", "name": "姓名", "id_number": "公民身份号码", "sex": "性别", "birth_date": "出生日期",
               "ethnicity": "民族", "address": "住址", "phone": "联系电话", "former_names": "曾用名"},
    "renshe": {"row_id": "id", "name": "xm", "id_number": "sfzh", "sex": "xb", "birth_date": "csrq", "address": "dz",
               "phone": "sjh"},
    "minzheng": {"row_id": "编号", "name": "当事人姓名", "id_number": "证件号码", "sex": "性别", "birth_date": "出生年月日",
                 "address": "户籍地址"},
    "weijian": {"row_id": "档案号", "name": "姓名", "id_number": "身份证号", "sex": "性别", "birth_date": "出生日期",
                "address": "现住址", "phone": "电话", "guardian_id_number": "监护人身份证号"},
}


def write_extracts(tmp_path, feeds, encoding="utf-8"):
    args = []
    for source, rows in feeds.items():
        cols = COLUMNS[source]
        path = tmp_path / f"{source}.csv"
        with path.open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(cols.values()) + ["备注"])
            for r in rows:
                w.writerow([r.get(f, "") for f in cols] + [""])
        mapping = tmp_path / f"{source}.json"
        mapping.write_text(json.dumps(cols, ensure_ascii=False), encoding="utf-8")
        args += ["--source", f"{source}={path}", "--map", f"{source}={mapping}"]
    return args


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("link_persons", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read_out(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def feeds():
    return synth.feeds_from_people(synth.make_population(400, seed=2), seed=2)


def test_links_four_extracts_with_their_own_column_names(tmp_path, feeds):
    args = write_extracts(tmp_path, synth.strip_truth(feeds))
    out_csv = tmp_path / "clusters.csv"
    stdout, stderr = run(*args, "--out", str(out_csv))
    lines = read_out(out_csv)
    assert lines[0] == ["source", "row_id", "cluster_id"]
    assert len(lines) - 1 == sum(len(r) for r in feeds.values())
    truth = synth.truth_of(feeds)
    clusters = {(s, r): c for s, r, c in lines[1:]}
    from digigov.data.linkage import evaluate

    assert evaluate.score(clusters, truth).f1 >= 0.97
    names = {r["name"] for rows in feeds.values() for r in rows} | {r["id_number"] for rows in feeds.values() for r in rows}
    names.discard("")
    assert not any(n in stdout or n in stderr for n in names)  # no personal data on stdout/stderr
    assert "已比对" in stdout and "Traceback" not in stderr


def test_bad_sources_are_reported_and_the_good_ones_still_link(tmp_path, feeds):
    plain = synth.strip_truth(feeds)
    args = write_extracts(tmp_path, {"gongan": plain["gongan"], "renshe": plain["renshe"]})
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "bad.json").write_text("{row_id: 1", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "unknown_field.json").write_text('{"row_id": "记录号", "shoe_size": "鞋码"}', encoding="utf-8")
    (tmp_path / "no_row_id_col.json").write_text('{"row_id": "不存在的列", "name": "姓名"}', encoding="utf-8")
    (tmp_path / "missing_col.json").write_text('{"row_id": "记录号", "name": "姓名", "phone": "没有这一列"}', encoding="utf-8")
    (tmp_path / "small.csv").write_text("记录号,姓名\nx1,张三\nx2,李四,多余\n,无标识\n", encoding="utf-8")
    limit = max((tmp_path / "gongan.csv").stat().st_size, (tmp_path / "renshe.csv").stat().st_size) + 1
    big = tmp_path / "big.csv"
    big.write_text("记录号,姓名\n" + "r,张\n" * (limit // 4), encoding="utf-8")
    cases = {
        "e": ("empty.csv", "missing_col.json", "为空"),
        "m": ("small.csv", "bad.json", "不是合法的 JSON"),
        "l": ("small.csv", "list.json", "应为 JSON 对象"),
        "u": ("small.csv", "unknown_field.json", "未知的标准字段：shoe_size"),
        "n": ("small.csv", "no_row_id_col.json", "row_id 对应的列"),
        "h": ("big.csv", "missing_col.json", "过大"),
        "w": ("small.csv", "missing_col.json", "没有这一列"),
    }
    for name, (csv_name, map_name, _) in cases.items():
        args += ["--source", f"{name}={tmp_path / csv_name}", "--map", f"{name}={tmp_path / map_name}"]
    args += ["--source", f"nomap={tmp_path / 'small.csv'}", "--source", "garbage"]
    out_csv = tmp_path / "clusters.csv"
    _, stderr = run(*args, "--out", str(out_csv), "--max-bytes", str(limit))
    for name, (_, _, words) in cases.items():
        assert words in stderr, name
    assert "缺少 --map nomap" in stderr
    assert "格式应为 名称=文件路径" in stderr
    assert "第3行：字段个数与表头" in stderr  # x2 has an extra field
    assert "第4行" in stderr and "row_id" in stderr  # the row without an id
    rows = read_out(out_csv)[1:]
    assert {s for s, _, _ in rows} == {"gongan", "renshe", "w"}
    assert [r for s, r, _ in rows if s == "w"] == ["x1"]
    assert "张三" not in stderr


def test_gbk_and_mixed_encodings_are_read(tmp_path):
    mapping = tmp_path / "m.json"
    mapping.write_text('{"row_id": "编号", "name": "姓名", "birth_date": "出生日期", "address": "住址"}',
                       encoding="utf-8")
    (tmp_path / "gbk.csv").write_bytes("编号,姓名,出生日期,住址\n1,王芳,1990-01-01,元宝区人民路1号2-3-502\n".encode("gbk"))
    (tmp_path / "mixed.csv").write_bytes("编号,姓名,出生日期,住址\n".encode()
                                         + "2,王芳,1990年1月1日,示范市元宝区人民路1号2栋3单元502室\n".encode("gbk")
                                         + "3,李娜,1991-02-03,振兴区\n".encode() + b"4,\xff\xfe\xff,1990,x\n")
    out_csv = tmp_path / "o.csv"
    _, stderr = run("--source", f"a={tmp_path / 'gbk.csv'}", "--map", f"a={mapping}",
                    "--source", f"b={tmp_path / 'mixed.csv'}", "--map", f"b={mapping}", "--out", str(out_csv))
    rows = {(s, r): c for s, r, c in read_out(out_csv)[1:]}
    assert rows[("a", "1")] == rows[("b", "2")] != rows[("b", "3")]
    assert ("b", "4") not in rows
    assert "GB" in stderr and "第4行：编码无法识别" in stderr


def test_nothing_linkable_is_a_clear_error_not_a_traceback(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    (tmp_path / "m.json").write_text('{"row_id": "id"}', encoding="utf-8")
    with pytest.raises(CommandError, match="没有可比对的记录"):
        run("--source", f"a={tmp_path / 'e.csv'}", "--map", f"a={tmp_path / 'm.json'}", "--out", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()
    proc = subprocess.run([sys.executable, "manage.py", "link_persons", "--source", f"a={tmp_path / 'e.csv'}",
                           "--map", f"a={tmp_path / 'm.json'}", "--out", str(tmp_path / "o.csv")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "为空" in proc.stderr
