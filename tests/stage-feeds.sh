#!/usr/bin/env bash
# The published files checked with independent tools: the iCalendar feeds parsed by the PyPI
# `icalendar` package and imported into khal (Debian), which must list the right events on the
# right days; the daemon's status.html parsed strictly by html5lib, checked by tidy, rendered by
# headless Chromium (a non-blank PNG screenshot, and the counts read back from the DOM); the
# metrics file parsed by `prometheus-client`; `import ics` YAML accepted by `validate`.
# Uses the debug build scripts/test.sh has just made.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh
ensure_apt khal tidy
ensure_venv .venv-feeds icalendar prometheus-client html5lib
py=$PWD/.venv-feeds/bin/python
ctl=$PWD/.build/debug/almanacctl
daemon=$PWD/.build/debug/almanacd
if [ ! -x "$ctl" ] || [ ! -x "$daemon" ]; then
    swift build --product almanacctl >/dev/null
    swift build --product almanacd >/dev/null
fi
fail() { echo "stage-feeds: FAIL: $*" >&2; exit 1; }
checks=0
ok() { checks=$((checks + 1)); }

tmp=$(mktemp -d /tmp/almanac-feeds.XXXXXX)
daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
H=(--holiday-dir config/holidays)

# 1. Offline feeds of the sample plan, against the agenda of the same plan.
$ctl export ics --plan config/plans "${H[@]}" -o "$tmp/plan.ics"
$ctl export ics --plan config/plans "${H[@]}" --unit whjc -o "$tmp/unit-whjc.ics"
$ctl export ics --plan config/plans "${H[@]}" --holidays -o "$tmp/holidays.ics"
$ctl agenda --plan config/plans --holidays config/holidays --from 2026-01-01 --to 2027-12-31 --json >"$tmp/agenda.json"
cat >"$tmp/feedcheck.py" <<'PY'
import json, sys, datetime
from icalendar import Calendar

def entries(path):
    out = []
    def walk(x):
        if isinstance(x, dict):
            if "item" in x and "date" in x and "state" in x:
                out.append(x)
            else:
                for v in x.values(): walk(v)
        elif isinstance(x, list):
            for v in x: walk(v)
    walk(json.load(open(path)))
    return out

def check_lines(raw, name):
    assert raw.endswith(b"\r\n"), name + ": no CRLF at the end"
    for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        assert len(line) <= 75, f"{name}:{n}: {len(line)} octets"
        line.decode("utf-8")  # each physical line is whole UTF-8: no character split by folding
        assert b"\n" not in line and b"\r" not in line, f"{name}:{n}: bare line break"

def summary(e):
    return e["title"]

def start(e):
    return e["date"]

def end(e):
    return e.get("endDate") or e["date"]

tmp = sys.argv[1]
agenda = entries(f"{tmp}/agenda.json")
assert len(agenda) > 50, len(agenda)

raw = open(f"{tmp}/plan.ics", "rb").read()
check_lines(raw, "plan.ics")
cal = Calendar.from_ical(raw)
assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN"
assert str(cal["X-WR-TIMEZONE"]) == "Asia/Shanghai"
events = [c for c in cal.walk("VEVENT")]
assert len(events) == len(agenda), (len(events), len(agenda))
uids = [str(e["UID"]) for e in events]
assert len(set(uids)) == len(uids), "UIDs are not unique"
assert all(u.endswith("@almanac") for u in uids)
# Every agenda entry is an event with the same title and days (DTEND exclusive for all-day).
got = sorted((str(e["SUMMARY"]), e.decoded("DTSTART").isoformat()[:10]) for e in events)
want = sorted((summary(a), start(a)) for a in agenda)
assert got == want, [x for x in got if x not in want][:5] + [x for x in want if x not in got][:5]
timed = 0
start_of = start
for e in events:
    day = e.decoded("DTSTART")
    assert "CATEGORIES" in e and "DTSTAMP" in e and "SEQUENCE" in e and "DESCRIPTION" in e
    if isinstance(day, datetime.datetime):
        timed += 1
        assert str(day.tzinfo) in ("Asia/Shanghai", "CST") or day.utcoffset() == datetime.timedelta(hours=8), day
        assert day.utcoffset() == datetime.timedelta(hours=8), day
    else:
        last = e.decoded("DTEND")
        a = next(a for a in agenda if summary(a) == str(e["SUMMARY"]) and start_of(a) == day.isoformat())
        assert (last - datetime.timedelta(days=1)).isoformat() == end(a), (str(e["SUMMARY"]), last, end(a))
assert timed == sum(1 for a in agenda if a.get("time")), timed
assert cal.walk("VTIMEZONE"), "no VTIMEZONE"
mid = [e for e in events if e.decoded("DTSTART") == datetime.date(2026, 9, 25)]
assert any("中秋" in str(e["SUMMARY"]) for e in mid), [str(e["SUMMARY"]) for e in mid]
assert any("农历：二〇二六年八月十五" in str(e["DESCRIPTION"]) for e in mid)
todos = cal.walk("VTODO")
assert len(todos) == 2 and all(int(t["PERCENT-COMPLETE"]) == 0 for t in todos), todos
assert sorted(t.decoded("DUE").isoformat() for t in todos) == ["2026-08-10", "2027-08-10"]

unit = Calendar.from_ical(open(f"{tmp}/unit-whjc.ics", "rb").read())
want_unit = sorted(summary(a) for a in agenda if "whjc" in a["owners"] or "whjc" in (a.get("participants") or []))
got_unit = sorted(str(e["SUMMARY"]) for e in unit.walk("VEVENT"))
assert got_unit == want_unit and got_unit, (len(got_unit), len(want_unit))

hol = Calendar.from_ical(open(f"{tmp}/holidays.ics", "rb").read())
days = {(str(e["SUMMARY"]), e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat()) for e in hol.walk("VEVENT")}
assert ("劳动节放假", "2026-05-01", "2026-05-06") in days, sorted(d for d in days if d[1].startswith("2026-05"))
assert ("调休上班（劳动节）", "2026-05-09", "2026-05-10") in days
assert ("春节放假", "2026-02-15", "2026-02-24") in days
print(len(events), "events,", timed, "timed,", len(todos), "to-dos,", len(got_unit), "for whjc,", len(days), "holiday events")
PY
$py "$tmp/feedcheck.py" "$tmp" || fail "the feeds do not match the agenda (icalendar)"
ok

# 2. khal imports the feeds and lists the right events on the right days.
mkdir -p "$tmp/khal/plan" "$tmp/khal/holidays"
# khal's cache goes into the temporary directory too, so concurrent runs never share one.
cat >"$tmp/khal/config" <<EOF2
[sqlite]
path = $tmp/khal/khal.db
[calendars]
[[plan]]
path = $tmp/khal/plan
type = calendar
[[holidays]]
path = $tmp/khal/holidays
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = Asia/Shanghai
default_timezone = Asia/Shanghai
EOF2
khal=(khal -c "$tmp/khal/config")
"${khal[@]}" import --batch -a plan "$tmp/plan.ics" >/dev/null 2>"$tmp/khal.err" || fail "khal import: $(cat "$tmp/khal.err")"
"${khal[@]}" import --batch -a holidays "$tmp/holidays.ics" >/dev/null 2>"$tmp/khal.err" || fail "khal import holidays: $(cat "$tmp/khal.err")"
n_files=$(ls "$tmp/khal/plan" | wc -l)
n_events=$(grep -c '^BEGIN:VEVENT' "$tmp/plan.ics")
[ "$n_files" = "$n_events" ] || fail "khal stored $n_files events, the agenda has $n_events"
# For a set of days: what khal lists (title per line) equals the agenda of that day.
days="2026-09-25 2026-09-30 2026-04-05 2026-06-19 2026-12-31 2027-02-05"
for day in $days; do
    "${khal[@]}" list -a plan --day-format "" --format "{title}" "$day" 1d | sed '/^$/d' | sort >"$tmp/khal-$day.txt"
    $ctl agenda --plan config/plans --holidays config/holidays --from "$day" --to "$day" --json >"$tmp/a-$day.json"
    $py - "$tmp/a-$day.json" <<'PY' | sort >"$tmp/want-$day.txt"
import json, sys
out = []
def walk(x):
    if isinstance(x, dict):
        if "item" in x and "date" in x and "state" in x: out.append(x)
        else:
            for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(json.load(open(sys.argv[1])))
for e in out: print(e["title"])
PY
    diff "$tmp/want-$day.txt" "$tmp/khal-$day.txt" >"$tmp/diff" || fail "khal on $day differs from the agenda: $(cat "$tmp/diff")"
    [ -s "$tmp/want-$day.txt" ] || [ "$day" = 2026-12-31 ] || fail "no agenda entries on $day: pick another day"
done
[ "$("${khal[@]}" list -a holidays --day-format "" --format "{title}" 2026-05-09 1d | sed '/^$/d')" = "调休上班（劳动节）" ] \
    || fail "khal does not list the 调休 working day on 2026-05-09"
[ "$("${khal[@]}" list -a holidays --day-format "" --format "{title}" 2026-05-05 1d | sed '/^$/d')" = "劳动节放假" ] \
    || fail "khal does not list 劳动节放假 on 2026-05-05"
[ -z "$("${khal[@]}" list -a holidays --day-format "" --format "{title}" 2026-05-06 1d | sed '/^$/d')" ] \
    || fail "khal lists a holiday on 2026-05-06 (DTEND must be exclusive)"
ok

# 3. import ics: our own feed and a foreign calendar come back as plan YAML that validates.
$ctl import ics "$tmp/plan.ics" >"$tmp/imported.yaml" 2>"$tmp/import.err" || fail "import ics: $(cat "$tmp/import.err")"
$ctl validate "$tmp/imported.yaml" >"$tmp/validate.out" 2>&1 || fail "imported plan does not validate: $(cat "$tmp/validate.out")"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20260923\r\nSUMMARY:Weekly\r\n  check\\, night\r\nRRULE:FREQ=WEEKLY;BYDAY=TU,FR\r\nLOCATION:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$tmp/foreign.ics"
$ctl import ics "$tmp/foreign.ics" >"$tmp/foreign.yaml" 2>"$tmp/foreign.err" || fail "import foreign: $(cat "$tmp/foreign.err")"
grep -q "when: weekly tue,fri from 2026-09-23" "$tmp/foreign.yaml" || fail "weekly rule not imported: $(cat "$tmp/foreign.yaml")"
grep -q "title: 'Weekly check, night'\|title: Weekly check, night\|title: \"Weekly check, night\"" "$tmp/foreign.yaml" || fail "folded, escaped SUMMARY not restored: $(cat "$tmp/foreign.yaml")"
grep -q "foreign.ics:.*LOCATION not imported" "$tmp/foreign.err" || fail "LOCATION not reported: $(cat "$tmp/foreign.err")"
$ctl validate "$tmp/foreign.yaml" >"$tmp/validate.out" 2>&1 || fail "foreign import does not validate: $(cat "$tmp/validate.out")"
ok

# 4. The daemon writes feeds/, status.html and almanac.prom.
mkdir -p "$tmp/state" "$tmp/run" "$tmp/outbox"
cat >"$tmp/almanac.yaml" <<EOF2
plans:
  - $PWD/config/plans/zhalainuoer.yaml
state_directory: $tmp/state
runtime_directory: $tmp/run
holidays: $PWD/config/holidays
mail:
  transport: outbox
  outbox: $tmp/outbox
  from: almanac@localhost
EOF2
"$daemon" --config "$tmp/almanac.yaml" >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!
# The files are written at once with what is known; the checklists' progress (and the metrics
# from it) follows the scheduler's first pass, so wait for that too.
for _ in $(seq 1 600); do
    [ -s "$tmp/run/almanac.prom" ] && [ -s "$tmp/run/status.html" ] && [ -s "$tmp/run/feeds/plan.ics" ] &&
        grep -q '^almanac_checklist_completion_ratio{' "$tmp/run/almanac.prom" &&
        grep -q '"checklists"' "$tmp/run/status.json" 2>/dev/null && break
    kill -0 "$daemon_pid" 2>/dev/null || fail "almanacd exited: $(tail -5 "$tmp/daemon.log")"
    sleep 0.2
done
[ -s "$tmp/run/almanac.prom" ] || fail "almanacd did not write almanac.prom within 120 s"
for f in feeds/plan.ics feeds/holidays.ics feeds/unit-whjc.ics feeds/unit-wmb.ics status.html almanac.prom; do
    [ -s "$tmp/run/$f" ] || fail "almanacd did not write $f"
done
ls -a "$tmp/run" "$tmp/run/feeds" | grep -q '\.tmp$' && fail "temporary files left in the runtime directory"
# almanacctl export without --plan copies the daemon's feed.
ALMANAC_SOCKET="$tmp/run/control.sock" $ctl export ics --unit whjc >"$tmp/via-daemon.ics"
cmp -s "$tmp/via-daemon.ics" "$tmp/run/feeds/unit-whjc.ics" || fail "export ics via the daemon differs from feeds/unit-whjc.ics"
$py - "$tmp/run/feeds/plan.ics" <<'PY' || fail "the daemon's plan.ics does not parse"
import sys
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
assert len(cal.walk("VEVENT")) > 50
PY
ok

$py - "$tmp/run/almanac.prom" "$tmp/run/status.json" <<'PY' || fail "almanac.prom (prometheus-client)"
import sys, json
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
need = ["almanac_reminders_sent", "almanac_reminders_failed", "almanac_outbox_messages", "almanac_next_reminder_timestamp_seconds",
        "almanac_overdue_occurrences", "almanac_checklist_completion_ratio", "almanac_plan_items", "almanac_last_reload_success"]
missing = [n for n in need if n not in fams]
assert not missing, (missing, sorted(fams))
assert fams["almanac_reminders_sent"].type == "counter"
status = json.load(open(sys.argv[2]))
items = [s.value for s in fams["almanac_plan_items"].samples]
assert items == [status["plan"]["items"]], (items, status["plan"]["items"])
states = {s.labels["state"] for s in fams["almanac_outbox_messages"].samples}
assert states >= {"queued", "sent", "failed"}, states
ratios = {s.labels["occurrence"]: s.value for s in fams["almanac_checklist_completion_ratio"].samples}
# The metrics give the checklist's current occurrence, the one status.json names.
assert status["checklists"][0]["occurrence"] in ratios, (ratios, status["checklists"])
print(len(fams), "metric families")
PY
ok

# A reload shows up in the metrics.
$ctl reload --socket "$tmp/run/control.sock" >/dev/null || fail "reload failed"
for _ in $(seq 1 300); do grep -q '^almanac_last_reload_success 1$' "$tmp/run/almanac.prom" && break; sleep 0.2; done
grep -q '^almanac_last_reload_success 1$' "$tmp/run/almanac.prom" || fail "almanac.prom does not show the accepted reload"
ok

# Checklist progress reaches the to-dos (PERCENT-COMPLETE, SEQUENCE raised once) and the
# metrics; the events keep SEQUENCE 0. The occurrence is the checklist's current one (status.json).
occurrence=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["checklists"][0]["occurrence"])' "$tmp/run/status.json")
due=${occurrence#*@}
$ctl progress "$occurrence" A --socket "$tmp/run/control.sock" >/dev/null || fail "progress failed"
progress_at=$(date +%s.%N)
line="almanac_checklist_entries_done{checklist=\"civilized-city\",occurrence=\"$occurrence\"} 1"
for _ in $(seq 1 450); do grep -qxF "$line" "$tmp/run/almanac.prom" && break; sleep 0.2; done
grep -qxF "$line" "$tmp/run/almanac.prom" || fail "almanac.prom does not show the recorded progress within 90 s"
echo "stage-feeds: progress published after $($py -c "import time; print(round(time.time() - $progress_at, 1))") s" >&2
for _ in $(seq 1 450); do grep -q '^PERCENT-COMPLETE:25' "$tmp/run/feeds/plan.ics" && break; sleep 0.2; done
$py - "$tmp/run/feeds/unit-wmb.ics" "$tmp/run/feeds/plan.ics" "$tmp/state/feed-sequences.json" "$due" <<'PY' || fail "progress in the feeds"
import sys, json
from icalendar import Calendar
due = sys.argv[4]
unit = Calendar.from_ical(open(sys.argv[1], "rb").read())
todo = [t for t in unit.walk("VTODO") if t.decoded("DUE").isoformat() == due]
assert len(todo) == 1 and int(todo[0]["PERCENT-COMPLETE"]) == 50 and str(todo[0]["STATUS"]) == "IN-PROCESS", todo
assert int(todo[0]["SEQUENCE"]) == 1, todo[0]["SEQUENCE"]
plan = Calendar.from_ical(open(sys.argv[2], "rb").read())
todo = [t for t in plan.walk("VTODO") if t.decoded("DUE").isoformat() == due]
assert int(todo[0]["PERCENT-COMPLETE"]) == 25 and int(todo[0]["SEQUENCE"]) == 1, todo
assert all(int(e["SEQUENCE"]) == 0 for e in plan.walk("VEVENT"))
table = json.load(open(sys.argv[3]))["entries"]
assert table[str(todo[0]["UID"])]["sequence"] == 1
PY
ok

# 5. status.html: strict HTML5 parse, tidy, and what a browser shows.
$py - "$tmp/run/status.html" <<'PY' || fail "status.html is not valid HTML5 (html5lib strict)"
import sys, html5lib
doc = open(sys.argv[1], "rb").read()
html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(doc)
assert b"<script" not in doc
PY
tidy_status=0
tidy -errors -quiet "$tmp/run/status.html" >"$tmp/tidy.out" 2>&1 || tidy_status=$?
[ "$tidy_status" -lt 2 ] || fail "tidy found errors: $(cat "$tmp/tidy.out")"
ok

# Chromium is large: only this stage installs it (with a small CJK font, so the screenshot shows
# Chinese rather than empty boxes); a machine where it cannot be installed skips (CI fails).
( ensure_apt chromium fonts-wqy-microhei ) >"$tmp/chromium-install.log" 2>&1 || true
if command -v chromium >/dev/null 2>&1; then
    chrome=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars
        --user-data-dir="$tmp/chrome")
    timeout 120 "${chrome[@]}" --window-size=412,1400 --screenshot="$tmp/phone.png" "file://$tmp/run/status.html" >/dev/null 2>&1 || true
    timeout 120 "${chrome[@]}" --dump-dom "file://$tmp/run/status.html" >"$tmp/dom.html" 2>/dev/null || fail "chromium --dump-dom failed"
    today=$(TZ=Asia/Shanghai date +%Y-%m-%d)
    first=$(TZ=Asia/Shanghai date +%Y-%m-01)
    last=$(TZ=Asia/Shanghai date -d "$first +1 month -1 day" +%Y-%m-%d)
    $ctl agenda --plan config/plans --holidays config/holidays --from "$first" --to "$last" --json >"$tmp/month.json"
    $py - "$tmp/phone.png" "$tmp/dom.html" "$tmp/month.json" "$today" <<'PY' || fail "status.html in Chromium"
import sys, struct, zlib, json
from html.parser import HTMLParser
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", png[16:24])
assert width == 412 and height >= 600, (width, height)
pos, idat = 8, b""
while pos < len(png):
    n, kind = struct.unpack(">I4s", png[pos:pos + 8])
    if kind == b"IDAT": idat += png[pos + 8:pos + 8 + n]
    pos += 12 + n
pixels = zlib.decompress(idat)
distinct = len(set(pixels[i] for i in range(0, len(pixels), 7)))
assert distinct > 20, f"the screenshot looks blank ({distinct} distinct byte values)"

class Counts(HTMLParser):
    def __init__(self):
        super().__init__(); self.sections = {}; self.units = []; self.lang = None; self.items_in_cells = 0; self.depth = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html": self.lang = a.get("lang")
        if tag == "section": self.sections[a["id"]] = int(a["data-count"])
        if "data-unit" in a: self.units.append((a["data-unit"], int(a["data-done"]), int(a["data-total"])))
p = Counts(); p.feed(open(sys.argv[2]).read())
assert p.lang == "zh-CN", p.lang
entries = []
def walk(x):
    if isinstance(x, dict):
        if "item" in x and "date" in x and "state" in x: entries.append(x)
        else:
            for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(json.load(open(sys.argv[3])))
today = sys.argv[4]
assert p.sections["month"] == len(entries), (p.sections, len(entries))
# Under way today: campaigns and every other item that spans several days (status.json's rule).
running = [e for e in entries if (e.get("endDate") or e["kind"] == "campaign")
           and e["date"] <= today <= (e.get("endDate") or e["date"]) and e["state"] != "done"]
assert p.sections["campaigns"] == len(running), (p.sections["campaigns"], len(running))
assert any(u[0] == "*" and u[2] == 4 for u in p.units), p.units
assert p.sections["inspections"] == len(p.units) and p.units, p.units
assert 0 < p.sections["reminders"] <= 10, p.sections
print("page:", p.sections, "screenshot", width, "x", height, distinct, "shades")
PY
    ok
else
    echo "stage-feeds: chromium not installable: $(tail -2 "$tmp/chromium-install.log" 2>/dev/null)" >&2
    [ "${CI:-}" = true ] && fail "chromium is required in CI"
    echo "stage-feeds: skipped: status.html in Chromium" >&2
fi

kill "$daemon_pid" && wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
echo "stage-feeds: ok: $checks checks passed"
