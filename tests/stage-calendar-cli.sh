#!/usr/bin/env bash
# Runs the offline calendar commands of almanacctl (holidays, workdays, festivals) on the shipped
# holiday tables and checks their exact answers, JSON fields, exit statuses and error messages.
# Uses the debug build scripts/test.sh has just made.
set -euo pipefail
cd "$(dirname "$0")/.."
ctl=.build/debug/almanacctl
[ -x "$ctl" ] || swift build --product almanacctl >/dev/null
fail() { echo "stage-calendar-cli: FAIL: $*" >&2; exit 1; }
expect() { # expect NAME EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}
H=(--holidays config/holidays)
tmp=$(mktemp -d /tmp/almanac-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

expect "add across 劳动节" "2026-05-08  星期五  工作日" "$($ctl workdays add 2026-04-30 3 "${H[@]}")"
expect "sub" "2026-04-30  星期四  工作日" "$($ctl workdays sub 2026-05-06 1 "${H[@]}")"
expect "next across 国庆" "2026-10-08  星期四  工作日" "$($ctl workdays next 2026-09-30 "${H[@]}")"
expect "nth" "2026-05-08  星期五  工作日" "$($ctl workdays nth 2026-05 3 "${H[@]}")"
expect "nth last" "2026-05-29  星期五  工作日" "$($ctl workdays nth 2026-05 last "${H[@]}")"
expect "is makeup" "2026-05-09  星期六  调休上班（劳动节）" "$($ctl workdays is 2026-05-09 "${H[@]}")"
expect "is english" "2026-02-14  Saturday  make-up working day (春节)" "$($ctl workdays is 2026-02-14 --english "${H[@]}")"
set +e
$ctl workdays is 2026-10-01 "${H[@]}" >/dev/null; expect "is holiday exit" 1 $?
$ctl holidays 2027 "${H[@]}" >"$tmp/out"; expect "no table exit" 3 $?
set -e
grep -q "2027年没有官方放假安排表" "$tmp/out" || fail "holidays 2027 does not say the table is missing"

# Environment variable and JSON.
ALMANAC_HOLIDAYS=config/holidays $ctl holidays 2026 --json >"$tmp/h.json"
python3 - "$tmp/h.json" <<'PY' || fail "holidays 2026 --json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["year"] == 2026 and r["hasTable"] is True, r
assert r["notices"][0]["documentNumber"] == "国办发明电〔2025〕7号", r["notices"]
b = {x["name"]: x for x in r["breaks"]}
assert (b["劳动节"]["start"], b["劳动节"]["end"], b["劳动节"]["days"]) == ("2026-05-01", "2026-05-05", 5)
assert b["春节"]["makeupWorkdays"] == ["2026-02-14", "2026-02-28"]
assert b["国庆节"]["holidays"] == ["national-day"]
assert sum(x["days"] for x in r["breaks"]) == 33
PY
$ctl workdays add 2026-12-30 3 --json "${H[@]}" >"$tmp/a.json"
python3 - "$tmp/a.json" <<'PY' || fail "workdays add --json without table"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"]["date"] == "2027-01-04" and r["exact"] is False and r["yearsWithoutTable"] == [2027], r
PY

# A broken table: every error with its position, exit status 1.
mkdir -p "$tmp/bad/cn"
printf 'year 2026\nnotice X 2025-11-04 T\noff 春节 2026-02-30\nwork 春节 2026-02-27\nof 元旦 2026-01-01\n' >"$tmp/bad/cn/2026.txt"
set +e
$ctl workdays is 2026-05-01 --holidays "$tmp/bad" 2>"$tmp/err" >/dev/null; status=$?
set -e
expect "broken table exit" 1 "$status"
grep -q "cn/2026.txt:3:8: error: no such date 2026-02-30 (February 2026 has 28 days)" "$tmp/err" || fail "no date error: $(cat "$tmp/err")"
grep -q "cn/2026.txt:4:9: error: 2026-02-27 is a Friday" "$tmp/err" || fail "no weekday error: $(cat "$tmp/err")"
grep -q "cn/2026.txt:5:1: error: unknown keyword 'of'" "$tmp/err" || fail "no keyword error: $(cat "$tmp/err")"

expect "holidays --years" "放假安排表：2008–2026年（共 19 年），目录 $(pwd)/config/holidays/cn" "$($ctl holidays --years "${H[@]}")"

expect "holidays 2015 split break" "端午节          06-20 周六、06-22 周一   2     –" "$($ctl holidays 2015 "${H[@]}" | grep '^端午节')"

# Festivals: lunar dates, terms, anniversaries.
$ctl festivals 2026 --json >"$tmp/f.json"
python3 - "$tmp/f.json" <<'PY' || fail "festivals 2026 --json"
import json, sys
r = json.load(open(sys.argv[1]))
d = {x["id"]: x for x in r["festivals"]}
assert d["mid-autumn"]["date"] == "2026-09-25" and d["mid-autumn"]["lunarText"] == "八月十五", d["mid-autumn"]
assert d["spring-festival"]["date"] == "2026-02-17"
assert d["chuxi"]["date"] == "2026-02-16"
assert d["dragon-boat"]["date"] == "2026-06-19"
assert d["qingming"]["date"] == "2026-04-05" and d["qingming"]["category"] == "solar-term"
assert d["science-popularization-day"]["date"] == "2026-09-19"
assert d["party-founding-day"]["anniversary"] == {"years": 105, "text": "建党105周年", "chineseText": "建党一百零五周年"}
assert sum(1 for x in r["festivals"] if x["category"] == "solar-term") == 24
dates = [x["date"] for x in r["festivals"]]
assert dates == sorted(dates)
PY
expect "festivals --name" "2026-09-25  星期五  八月十五  中秋节  农历八月十五" "$($ctl festivals 2026 --name 中秋 | tail -1)"
set +e
$ctl festivals 2026 --name 春假 >/dev/null 2>&1; status=$?
set -e
[ "$status" -ne 0 ] || fail "festivals --name 春假 should fail"

echo "stage-calendar-cli: ok"
