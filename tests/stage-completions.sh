#!/usr/bin/env bash
# almanacctl's shell completions and man page, generated from the argument definitions as
# `make completions` and `make man` do: each completion script must be valid for its shell (bash -n,
# zsh -n, fish --no-execute) and offer every subcommand, bash must complete subcommands and their
# options when asked the way bash asks, and the man page must describe every subcommand.
# Uses the debug build scripts/test.sh has just made.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh
ensure_apt bash zsh fish
ctl=.build/debug/almanacctl
[ -x "$ctl" ] || swift build --product almanacctl >/dev/null
fail() { echo "stage-completions: FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/almanac-completions.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$ctl" --generate-completion-script bash >"$tmp/almanacctl.bash"
"$ctl" --generate-completion-script zsh >"$tmp/_almanacctl"
"$ctl" --generate-completion-script fish >"$tmp/almanacctl.fish"
bash -n "$tmp/almanacctl.bash" || fail "bash -n rejects the bash completion script"
zsh -n "$tmp/_almanacctl" || fail "zsh -n rejects the zsh completion script"
fish --no-execute "$tmp/almanacctl.fish" || fail "fish --no-execute rejects the fish completion script"

# Every subcommand of the help text is offered by each shell's script.
subcommands=$("$ctl" --help | sed -n '/^SUBCOMMANDS:/,/^$/p' | awk '/^  [a-z]/ { sub(/,$/, "", $1); print $1 }')
[ "$(echo "$subcommands" | wc -l)" -ge 19 ] || fail "expected at least 19 subcommands, found: $subcommands"
for cmd in $subcommands; do
    for script in almanacctl.bash _almanacctl almanacctl.fish; do
        grep -qw -- "$cmd" "$tmp/$script" || fail "$script does not offer '$cmd'"
    done
done

# Ask the bash function as bash does on <TAB>: (command, word, previous word) with COMP_WORDS.
complete_bash() { # complete_bash WORD... (the last word is the one being completed)
    bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
        prev="${COMP_WORDS[COMP_CWORD-1]}"
        _almanacctl almanacctl "${COMP_WORDS[COMP_CWORD]}" "$prev"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/almanacctl.bash" almanacctl "$@"
}
expect() { [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"; }
expect "subcommand" "agenda" "$(complete_bash ag)"
expect "agenda --unit" "--unit" "$(complete_bash agenda --un)"
expect "explain --rule" "--rule" "$(complete_bash explain flag-salute --ru)"
expect "cal --no-color" "--no-color" "$(complete_bash cal --no-co)"
expect "cal --no-cache" "--no-cache" "$(complete_bash cal --no-ca)"
# The man page, with swift-argument-parser's generate-manual plugin as `make man` runs it.
swift package generate-manual --configuration debug --section 1 --authors almanac >/dev/null
page=.build/plugins/GenerateManual/outputs/almanacctl/almanacctl.1
[ -s "$page" ] || fail "generate-manual wrote no $page"
for cmd in $subcommands; do
    grep -Eq "^\.It Em \"?$cmd[,\" ]|^\.It Em \"?$cmd\$" "$page" || fail "the man page does not describe '$cmd'"
done
echo "stage-completions: bash, zsh and fish completion scripts are valid, they and the man page cover every subcommand" >&2
