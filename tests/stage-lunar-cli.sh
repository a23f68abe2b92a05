#!/usr/bin/env bash
# Runs almanacctl convert and terms (the Chinese calendar, offline) and checks exact answers, JSON
# fields, exit statuses and error messages. Uses the debug build scripts/test.sh has just made.
set -euo pipefail
cd "$(dirname "$0")/.."
ctl=.build/debug/almanacctl
[ -x "$ctl" ] || swift build --product almanacctl >/dev/null
fail() { echo "stage-lunar-cli: FAIL: $*" >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"; }

expect "mid-autumn" "农历  二〇二六年八月十五（八月小）" "$($ctl convert 2026-09-25 | sed -n 2p)"
expect "term line" "节气  秋分（北京时间 2026-09-23 08:05:05）" "$($ctl convert 2026-09-23 | sed -n 5p)"
expect "lunar back" "公历  2026-09-25  星期五" "$($ctl convert 农历2026-08-15 | sed -n 1p)"
expect "leap month" "公历  2025-07-25  星期五" "$($ctl convert lunar:2025-L06-01 | sed -n 1p)"
expect "leap month 闰" "公历  2033-12-22  星期四" "$($ctl convert 农历2033-闰11-01 | sed -n 1p)"
expect "1916 strict UTC+8" "农历  一九一六年正月初一（正月小）" "$($ctl convert 1916-02-04 | sed -n 2p)"
json=$($ctl convert 2025-07-25 --json)
for field in '"leap" : true' '"text" : "2025-L06-01"' '"leapMonthOfYear" : 6' '"zodiac" : "蛇"' '"direction" : "gregorian-to-lunar"'; do
    grep -qF "$field" <<<"$json" || fail "convert --json lacks $field"
done
expect "terms qingming" "清明  04-05 周日  02:39:51" "$($ctl terms 2026 | grep 清明)"
expect "terms count" 24 "$($ctl terms 2026 --json | grep -c '"id"')"
grep -qF '"moment" : "2026-04-05T02:39:51+08:00"' <<<"$($ctl terms 2026 --json)" || fail "terms --json moment"

set +e
err=$($ctl convert 农历2026-闰08-01 2>&1 >/dev/null); code=$?
set -e
expect "no leap exit" 1 "$code"
expect "no leap message" "error: lunar year 2026 has no 闰八月 (2026-L08-01): it has no leap month" "$err"
set +e
err=$($ctl convert 农历2026-02-30 2>&1 >/dev/null); code=$?
set -e
expect "day 30 exit" 1 "$code"
expect "day 30 message" "error: 2026 二月 has 29 days, so day 30 does not exist (2026-02-30)" "$err"
set +e
$ctl convert lunar:2026-13-01 >/dev/null 2>&1; expect "month 13 exit" 1 $?
$ctl convert lunar:garbage >/dev/null 2>&1; expect "garbage exit" 1 $?
$ctl terms 2300 >/dev/null 2>&1; expect "terms out of range exit" 1 $?
set -e
echo "stage-lunar-cli: ok"
