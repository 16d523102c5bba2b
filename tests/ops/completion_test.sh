#!/usr/bin/env bash
# completion_test.sh COMPLETION SOURCE_DIR: sources the twinsmsctl bash
# completion in a clean bash and checks what completing offers: the verbs
# after `twinsmsctl `, the profile names of a profile folder after
# `twinsmsctl activate `, the node's admin URL after `--node `, verb options,
# and the actions of opt-out and credit after their CLIENT.
set -euo pipefail
completion=$1 src=$2
# (complete -p needs a shell where `complete` exists: bash, not sh)
out=$(env -i PATH=/usr/bin:/bin TWINSMS_CONFIG_DIR="$src/profiles/pair/site2" bash --norc --noprofile -c '
source "$1"
offer() { # offer WORD...: what completing the last word of the line offers, sorted, one line
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _twinsmsctl
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "; echo
}
complete -p twinsmsctl
echo "verbs: $(offer twinsmsctl "")"
echo "verbs-after-option: $(offer twinsmsctl --timeout 2s "")"
echo "s: $(offer twinsmsctl s)"
echo "activate: $(offer twinsmsctl activate "")"
echo "deactivate-with-node: $(offer twinsmsctl --node http://x:1 deactivate s)"
echo "node: $(offer twinsmsctl --node "")"
echo "status: $(offer twinsmsctl status --j)"
echo "options: $(offer twinsmsctl --t)"
echo "opt-out: $(offer twinsmsctl opt-out "")"
echo "opt-out-action: $(offer twinsmsctl opt-out alpha "")"
echo "credit-action: $(offer twinsmsctl --timeout 2s credit alpha "")"
' _ "$completion")
echo "$out"
expect() { grep -qxF -- "$1" <<<"$out" || { echo "completion_test: expected the line: $1" >&2; exit 1; }; }
expect "complete -F _twinsmsctl twinsmsctl"
expect "verbs: activate check credit deactivate failback opt-out reload status switchover takeover "
expect "verbs-after-option: activate check credit deactivate failback opt-out reload status switchover takeover "
expect "s: status switchover "
# profiles/pair/site2: clients alpha, bravo; carriers sim, site1
expect "activate: alpha bravo sim site1 "
expect "deactivate-with-node: sim site1 "
expect "node: http://127.0.0.1:8082 "
expect "status: --json "
expect "options: --timeout --token --token-file "
expect "opt-out: alpha bravo sim site1 "
expect "opt-out-action: add export import list remove "
expect "credit-action: add set show "
echo "completion_test: ok"
