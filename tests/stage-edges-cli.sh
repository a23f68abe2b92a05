#!/usr/bin/env bash
# The edges of issue 19, command by command: one error policy (values exit 1 with a message that
# says what is accepted, usage errors 64), the supported ranges, batch conversion, explain's
# target decision and warnings, and the sample plan's checks. Uses the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
ctl=.build/debug/almanacctl
[ -x "$ctl" ] || swift build --product almanacctl >/dev/null
fail() { echo "stage-edges-cli: FAIL: $*" >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"; }
tmp=$(mktemp -d /tmp/almanac-edges.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export ALMANAC_HOLIDAYS=config/holidays
# No daemon here: a socket path that does not exist.
export ALMANAC_SOCKET="$tmp/none.sock"

# run NAME STATUS STDERR ARGS...: exit status and the whole of standard error.
run() {
    local name=$1 status=$2 message=$3; shift 3
    set +e
    "$ctl" "$@" >"$tmp/out" 2>"$tmp/err"; local code=$?
    set -e
    expect "$name: exit status" "$status" "$code"
    expect "$name: message" "$message" "$(cat "$tmp/err")"
}

# 1. Values exit 1 with what is accepted; the same range wording for every command.
run "convert 2026-02-30" 1 "error: '2026-02-30' does not exist: February 2026 has 28 days
hint: the last day of the month is 2026-02-28" convert 2026-02-30
run "convert ''" 1 "error: the date is empty: expected YYYY-MM-DD (such as 2026-05-01), 'today', or a lunar date 农历YYYY-MM-DD / lunar:YYYY-MM-DD" convert ''
run "convert garbage" 1 "error: 'garbage' is not a date: expected YYYY-MM-DD (such as 2026-05-01), 'today', or a lunar date 农历YYYY-MM-DD / lunar:YYYY-MM-DD" convert garbage
run "convert 2026-2-3" 1 "error: '2026-2-3' is not written YYYY-MM-DD
hint: did you mean 2026-02-03?" convert 2026-2-3
run "convert 2026-13-01" 1 "error: '2026-13-01' is not a date: there is no month 13 (months are 01 to 12)" convert 2026-13-01
range_hint="hint: lunar dates, festivals and solar terms are computed for these years only (docs/chinese-calendar.md)"
run "terms 1799" 1 "error: year 1799 is outside the supported range 1800–2200
$range_hint" terms 1799
run "festivals 1799" 1 "error: year 1799 is outside the supported range 1800–2200
$range_hint" festivals 1799
run "terms 0" 1 "error: year 0 is outside the supported range 1800–2200
$range_hint" terms 0
run "festivals 2201" 1 "error: year 2201 is outside the supported range 1800–2200
$range_hint" festivals 2201
run "convert 1799-12-31" 1 "error: 1799-12-31 is outside the supported range 1800–2200
$range_hint" convert 1799-12-31
run "terms abc" 1 "error: 'abc' is not a year: expected a whole number such as 2026" terms abc
run "festivals --name 中球" 1 "error: no festival named '中球'
hint: did you mean '中秋'? ('almanacctl festivals' lists them all)" festivals 2026 --name 中球
run "festivals --category" 1 "error: unknown category 'lunar': expected one of traditional, solar-term, national, observance" festivals 2026 --category lunar
run "workdays month 2026-13" 1 "error: '2026-13' is not a month: months are 01 to 12" workdays month 2026-13
run "cal 2026-13" 1 "error: '2026-13' is not a month: months are 01 to 12" cal 2026-13
run "workdays add N" 1 "error: 'x' is not a number of working days: expected a whole number such as 3" workdays add 2026-01-01 x
# Usage errors stay 64.
set +e
"$ctl" festivals --bogus >/dev/null 2>&1; expect "unknown option" 64 $?
"$ctl" expand daily --year 2026 --from 2026-01-01 --to 2026-01-02 >/dev/null 2>&1; expect "options that exclude each other" 64 $?
"$ctl" workdays add 2026-01-01 >/dev/null 2>&1; expect "missing argument" 64 $?
set -e

# 2. The supported range end to end, and no year outside 1...9999.
expect "convert 1800-01-01" "农历  一七九九年十二月初七（十二月大）" "$($ctl convert 1800-01-01 | sed -n 2p)"
expect "convert 2200-12-31" "农历  二二〇〇年十一月廿五（十一月大）" "$($ctl convert 2200-12-31 | sed -n 2p)"
expect "festivals 1800 除夕" "1800-01-24  星期五  十二月三十  除夕  农历十二月最后一天" "$($ctl festivals 1800 --name 除夕 | tail -1)"
expect "festivals 1800 count" "$($ctl festivals 1801 --json | grep -c '"id"')" "$($ctl festivals 1800 --json | grep -c '"id"')"
run "workdays add 9999-12-30 5" 1 "error: the result would be after 9999-12-31: year 10000 is outside the supported range 1–9999" workdays add 9999-12-30 5
run "workdays next 9999-12-31" 1 "error: the result would be after 9999-12-31: year 10000 is outside the supported range 1–9999" workdays next 9999-12-31
run "workdays sub 0001-01-01 1" 1 "error: the result would be before 0001-01-01: year 0 is outside the supported range 1–9999" workdays sub 0001-01-01 1
run "expand past 9999" 1 "error: --to: year 10000 is outside the supported range 1–9999 ('10000-01-01')" expand daily --from 9999-12-31 --to 10000-01-01
run "workdays month 0000-01" 1 "error: year 0 is outside the supported range 1–9999" workdays month 0000-01
run "workdays is 0000-12-31" 1 "error: year 0 is outside the supported range 1–9999 ('0000-12-31')" workdays is 0000-12-31
expect "expand window into 10000" "# warning: occurrences before 0001-01-01 or after 9999-12-31 are left out (dates have four-digit years)" \
    "$($ctl expand '12-20..01-05' --year 9999 | grep 'warning')"
! $ctl expand '12-20..01-05' --year 9999 | grep -q '10000' || fail "expand printed year 10000"
out=$($ctl expand '中秋' --year 1)
expect "expand 中秋 --year 1" "# 中秋节  (0001-01-01..0001-12-31, 0 occurrences)
# warning: the rule needs the Chinese calendar, computed for 1800–2200 only: no such date in 1" "$out"
$ctl expand '中秋' --year 1 --json >"$tmp/e.json"
python3 - "$tmp/e.json" <<'PY' || fail "expand 中秋 --year 1 --json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["occurrences"] == [] and r["yearsOutsideChineseCalendar"] == [1], r
PY
expect "expand 清明 1799..1800" "# warning: the rule needs the Chinese calendar, computed for 1800–2200 only: no such date in 1799" \
    "$($ctl expand '清明' --from 1799-01-01 --to 1800-12-31 | grep warning)"

# 3. explain: the missing holiday table in JSON, and a word that is neither rule nor item.
$ctl explain 'holiday 春节' 2030-01-01 --json >"$tmp/x.json"
python3 - "$tmp/x.json" <<'PY' || fail "explain 'holiday 春节' 2030-01-01 --json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["matches"] is False and r["next"] is None, r
assert r["previous"]["start"] == "2026-02-15", r["previous"]
assert r["yearsWithoutHolidayTable"] == [2027, 2028, 2029, 2030], r["yearsWithoutHolidayTable"]
PY
expect "explain text warning" "# warning: no official holiday table for 2030, so the rule has no holiday dates that year" \
    "$($ctl explain 'holiday 春节' 2030-01-01 | grep 'warning' | tail -1)"
run "explain garbage 2026-01-01" 1 "error: 'garbage' is neither a date rule nor an item
  as a date rule: column 1: unknown word 'garbage': expected a date (2026-05-01, 05-01), a festival (中秋, mid-autumn) or a rule (weekly, monthly, daily)
  as an item: no almanacd runs here (no socket $ALMANAC_SOCKET), so there is no plan in force to look in
hint: explain RULE DATE takes a rule such as '清明' or 'weekly tue,fri' (docs/date-rules.md); --plan PATH looks for the item in plan files, --item asks the daemon only" explain garbage 2026-01-01
grep -q 无法连接 "$tmp/err" && fail "explain garbage went to the daemon"
set +e
$ctl explain garbage 2026-01-01 --json >"$tmp/g.json" 2>/dev/null; expect "explain garbage --json exit" 1 $?
set -e
python3 - "$tmp/g.json" <<'PY' || fail "explain garbage --json"
import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["code"] == "unknown_target" and e["rule"]["code"] == "unexpected" and "no almanacd" in e["item"], e
PY
expect "explain a rule that looks like an item" "# 清明" "$($ctl explain qingming 2027-04-05 | head -1)"
expect "explain an item of plan files" "flag-salute" "$($ctl explain flag-salute 2027-09-25 --plan config/plans --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["item"]["id"])')"

# 4. convert over a range and from standard input, JSON lines.
expect "convert range lines" 365 "$($ctl convert 2026-01-01..2026-12-31 | wc -l)"
expect "convert range json lines" 365 "$($ctl convert 2026-01-01..2026-12-31 --json | python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)["gregorian"]))')"
expect "convert lunar range" "2026-09-24 2026-09-26" "$($ctl convert 农历2026-08-14..农历2026-08-16 | awk 'NR==1{a=$1} END{print a, $1}')"
printf '2026-09-25\n\n# a comment\n农历2025-闰06-01\nnonsense\nlunar:2026-08-15\n' >"$tmp/in"
set +e
$ctl convert - --json <"$tmp/in" >"$tmp/lines" 2>"$tmp/err"; code=$?
set -e
expect "convert - exit" 1 "$code"
expect "convert - error" "error: line 5: 'nonsense' is not a date: expected YYYY-MM-DD (such as 2026-05-01), 'today', or a lunar date 农历YYYY-MM-DD / lunar:YYYY-MM-DD" "$(cat "$tmp/err")"
python3 - "$tmp/lines" <<'PY' || fail "convert - --json lines"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r.get("gregorian") for r in rows] == ["2026-09-25", "2025-07-25", None, "2026-09-25"], rows
assert rows[1]["direction"] == "lunar-to-gregorian" and rows[1]["lunar"]["leap"] is True
assert rows[2] == {"input": "nonsense", "line": 5, "error": {"message": "'nonsense' is not a date: expected YYYY-MM-DD (such as 2026-05-01), 'today', or a lunar date 农历YYYY-MM-DD / lunar:YYYY-MM-DD"}}, rows[2]
PY

# 6. The sample plan: no 网吧 check on an official day off in 2026, two in every full working week,
# the declared totals and units.
$ctl agenda --plan config/plans --from 2026-01-01 --to 2026-12-31 --json >"$tmp/agenda.json"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do $ctl workdays month 2026-$m --json; done >"$tmp/days.json"
python3 - "$tmp/agenda.json" "$tmp/days.json" <<'PY' || fail "sample plan 2026 netcafe checks"
import collections, datetime, json, sys
r = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
decoder, pos, work = json.JSONDecoder(), 0, {}
while pos < len(text):
    while pos < len(text) and text[pos].isspace(): pos += 1
    if pos >= len(text): break
    month, pos = decoder.raw_decode(text, pos)
    for d in month["days"]: work[d["date"]] = d["isWorkingDay"]
checks = [(e["date"], work[e["date"]]) for e in r["entries"] if e["item"] == "netcafe-checks"]
assert checks and all(ok for _, ok in checks), [c for c in checks if not c[1]]
per_week = collections.Counter()
for day, _ in checks:
    d = datetime.date.fromisoformat(day)
    per_week[d - datetime.timedelta(d.weekday())] += 1
assert per_week[datetime.date(2026, 2, 16)] == 0          # 春节: no working day
assert per_week[datetime.date(2026, 9, 28)] == 2          # 国庆: 10-02 moved to 09-30
for monday, n in per_week.items():
    assert n <= 2, (monday, n)
checks_on = {day for day, _ in checks}
assert "2026-02-17" not in checks_on and "2026-10-02" not in checks_on and "2026-09-30" in checks_on
for item in ("entertainment-day-checks", "entertainment-night-checks"):
    days = [e["date"] for e in r["entries"] if e["item"] == item]
    assert days and all(work[d] for d in days), item
    # Every working day has this check.
    assert len(days) == sum(1 for ok in work.values() if ok), (item, len(days))
# Full working weeks: every Monday to Friday worked (workdays month), two checks each.
monday = datetime.date(2026, 1, 5)
full = 0
while monday <= datetime.date(2026, 12, 21):
    if all(work[(monday + datetime.timedelta(i)).isoformat()] for i in range(5)):
        full += 1
        assert per_week[monday] == 2, (monday, per_week[monday])
    monday += datetime.timedelta(7)
assert full > 40, full
PY
$ctl checklist show --plan config/plans --json >"$tmp/c.json"
python3 - "$tmp/c.json" <<'PY' || fail "checklist show --json declared totals"
import json, sys
c = json.load(open(sys.argv[1]))["checklists"][0]
assert c["summary"]["declared"] == [{"level": "大项", "declared": 143, "listed": 0}, {"level": "小项", "declared": 355, "listed": 0}], c["summary"]
PY
expect "checklist show declared" "  申报指标：大项 143（已列出 0）、小项 355（已列出 0）" "$($ctl checklist show --plan config/plans | sed -n 2p)"
expect "checklist show --english" "  Declared: 143 大项 (0 written out), 355 小项 (0 written out)" "$($ctl checklist show --plan config/plans --english | sed -n 2p)"
$ctl validate config/plans >"$tmp/v" 2>&1 || fail "validate config/plans: $(cat "$tmp/v")"
grep -q "warning: the plan declares 80 responsible units but lists only 15: the other 65 get no reminders" "$tmp/v" || fail "no declared-units warning: $(cat "$tmp/v")"
grep -q "recurring check" "$tmp/v" && fail "the sample's recurring checks warn: $(cat "$tmp/v")"
expect "date_source of learn-from-leifeng" "chosen" "$($ctl show learn-from-leifeng --plan config/plans --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["occurrences"][0]["entry"]["dateSource"])')"
# 第二届 in the document's plan year 2012, so 第十六届 in 2026.
expect "good-people-awards edition" "第十六届" "$(python3 -c 'import json,sys; print([e["edition"] for e in json.load(open(sys.argv[1]))["entries"] if e["item"] == "good-people-awards"][0])' "$tmp/agenda.json")"
echo "stage-edges-cli: ok"
