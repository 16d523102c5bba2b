# bash completion for twinsmsctl (installed as
# /usr/share/bash-completion/completions/twinsmsctl). Needs only bash's own
# `complete`, not the bash-completion package's helpers.
#
# Completes the verbs, the options (and `status --json`), --node with the
# admin URLs of the profile folder's node.yaml (admin.listen; https when
# admin.tls is set) and $TWINSMS_ADMIN_URL, and activate/deactivate with the
# profile names there (clients/*.yaml, carriers/*.yaml). The folder is
# $TWINSMS_CONFIG_DIR, else /etc/twinsms; `check` completes folders.

_twinsmsctl_dir() { printf '%s' "${TWINSMS_CONFIG_DIR:-/etc/twinsms}"; }

# The node URLs this machine knows: $TWINSMS_ADMIN_URL and node.yaml's admin.listen.
_twinsmsctl_nodes() {
    local dir node listen scheme=http
    dir=$(_twinsmsctl_dir)
    [ -n "${TWINSMS_ADMIN_URL:-}" ] && printf '%s\n' "$TWINSMS_ADMIN_URL"
    node="$dir/node.yaml"
    [ -r "$node" ] || { printf '%s\n' http://127.0.0.1:8081; return; }
    # admin: {listen: HOST:PORT, tls: true} or a block with "    listen: HOST:PORT".
    listen=$(sed -n '/^  admin:/,/^  [a-z_]*:/{s/.*listen: *\([^ ,}#]*\).*/\1/p}' "$node" 2>/dev/null | head -n 1)
    sed -n '/^  admin:/,/^  [a-z_]*:/p' "$node" 2>/dev/null | grep -Eq '(^|[ {,])tls: *(true|\{)' && scheme=https
    [ -n "$listen" ] && printf '%s://%s\n' "$scheme" "$listen"
}

# Client and carrier profile names (file names without .yaml).
_twinsmsctl_profiles() {
    local dir f
    dir=$(_twinsmsctl_dir)
    for f in "$dir"/clients/*.yaml "$dir"/carriers/*.yaml; do
        [ -e "$f" ] || continue
        f=${f##*/}
        printf '%s\n' "${f%.yaml}"
    done
}

_twinsmsctl() {
    local cur prev verbs opts verb i w
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    verbs="status switchover takeover failback activate deactivate reload opt-out credit check"
    opts="--node --token --token-file --timeout --cacert --help"
    COMPREPLY=()

    case "$prev" in
        --node) mapfile -t COMPREPLY < <(compgen -W "$(_twinsmsctl_nodes)" -- "$cur"); return ;;
        --token-file|--cacert) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
        --timeout) mapfile -t COMPREPLY < <(compgen -W "500ms 2s 10s 30s 1m" -- "$cur"); return ;;
        --token) return ;;
    esac

    # The verb: the first word that is not an option or an option's value.
    verb=
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case "$w" in
            --node|--token|--token-file|--timeout|--cacert) ((i++)) ;;
            -*) ;;
            *) verb=$w; break ;;
        esac
    done

    if [ -z "$verb" ]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
        fi
        return
    fi
    case "$verb" in
        status) mapfile -t COMPREPLY < <(compgen -W "--json --help $opts" -- "$cur") ;;
        activate|deactivate)
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W "$(_twinsmsctl_profiles)" -- "$cur")
            fi ;;
        check) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
        credit)
            local n=0
            for ((w = i + 1; w < COMP_CWORD; w++)); do [[ ${COMP_WORDS[w]} == -* ]] || ((n++)); done
            if ((n == 0)); then
                mapfile -t COMPREPLY < <(compgen -W "$(_twinsmsctl_profiles)" -- "$cur")
            elif ((n == 1)); then
                mapfile -t COMPREPLY < <(compgen -W "show add set" -- "$cur")
            fi ;;
        opt-out)
            # opt-out CLIENT ACTION [NUMBER...|FILE]: the client, then the action, then a file for import.
            local n=0
            for ((w = i + 1; w < COMP_CWORD; w++)); do [[ ${COMP_WORDS[w]} == -* ]] || ((n++)); done
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
            elif ((n == 0)); then
                mapfile -t COMPREPLY < <(compgen -W "$(_twinsmsctl_profiles)" -- "$cur")
            elif ((n == 1)); then
                mapfile -t COMPREPLY < <(compgen -W "list add remove import export" -- "$cur")
            elif [[ $prev == import ]]; then
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi ;;
        *) mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur") ;;
    esac
}
complete -F _twinsmsctl twinsmsctl
