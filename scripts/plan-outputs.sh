#!/usr/bin/env bash
# Records what almanacctl answers for plans of every shape, to compare two builds byte for byte
# when the plan loader changes (docs/benchmarks.md, issue 14, fourteenth part): standard output,
# standard error and exit status of agenda (--json, the table of 2026, the table of
# 2027-03-01..04-29), validate and cal of 11 plans, and show, show --json, explain and validate of
# a directory; cold (no plan cache), on a miss (the first run that fills the cache) and on a hit.
# The plans: the 10,000-item plan of measure-daemon.py, the sample plan, config/plans, and the
# files of scripts/fixtures/plan-outputs (YAML forms, errors of the decoder, a duplicate key, a
# syntax error, an empty list, two documents, a control character).
#
# Usage: scripts/plan-outputs.sh ALMANACCTL OUTDIR, once per build, then diff -r the two OUTDIRs.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/plan-outputs.sh ALMANACCTL OUTDIR" >&2; exit 64; }
ctl=$(realpath "$1")
if [ -e "$2" ] && [ -n "$(ls -A "$2")" ]; then
    echo "plan-outputs.sh: $2 is not empty" >&2
    exit 64
fi
mkdir -p "$2" && out=$(realpath "$2")
cd "$(dirname "$0")/.."
root=$PWD
fixtures=scripts/fixtures/plan-outputs
# The generated plan at the same path for every build: messages name the file.
generated=${TMPDIR:-/tmp}/almanac-plan-outputs
big=$generated/plan.yaml
mkdir -p "$generated"
python3 scripts/generate-plan.py --items 10000 --mix yearly --remind "$generated/plan.rem" "$big" >/dev/null
export ALMANAC_HOLIDAYS=$root/config/holidays ALMANAC_NOW=2026-01-01T08:00:00+08:00
cases=0
run() { # NAME MODE COMMAND...
    local name=$1 mode=$2
    shift 2
    if [ "$mode" = cold ]; then
        ALMANAC_CACHE=off "$@" >"$out/$name.out" 2>"$out/$name.err"
    else
        ALMANAC_CACHE=on XDG_CACHE_HOME=$out/cache "$@" >"$out/$name.out" 2>"$out/$name.err"
    fi
    echo $? >"$out/$name.rc"
    cases=$((cases + 1))
}
for pass in cold miss hit; do
    mode=$pass
    [ "$pass" = cold ] || mode=cached
    for plan in "$big" config/plans/zhalainuoer.yaml config/plans "$fixtures"/*.yaml; do
        name=$pass-$(basename "$plan")
        run "$name-json" $mode "$ctl" agenda --plan "$plan" --from 2026-01-01 --to 2026-12-31 --json
        run "$name-table" $mode "$ctl" agenda --plan "$plan" --from 2026-01-01 --to 2026-12-31
        run "$name-table27" $mode "$ctl" agenda --plan "$plan" --from 2027-03-01 --to 2027-04-29
        run "$name-validate" $mode "$ctl" validate "$plan"
        run "$name-cal" $mode "$ctl" cal 2026-02 --plan "$plan"
    done
    run "$pass-show" $mode "$ctl" show x1 --plan "$fixtures/forms.yaml"
    run "$pass-show-json" $mode "$ctl" show x4 --plan "$fixtures/forms.yaml" --json
    run "$pass-explain" $mode "$ctl" explain x1 2026-06-01 --plan "$fixtures/forms.yaml"
    run "$pass-validate-dir" $mode "$ctl" validate config/plans/zhalainuoer
done
rm -rf "$out/cache"
echo "$cases cases in $out"
