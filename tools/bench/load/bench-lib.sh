# Shared by run-e2e and run-queue (sourced, not run): start the carrier
# simulator and twinsmsd on loopback, on a profile folder written into the
# run's temporary directory, and stop whatever was started on every exit
# path. The caller sets `build` and calls bench_init first.
#
#   bench_init NAME        temp dir $logdir (/tmp/twinsms-NAME.XXXXXX), traps
#   start_carrier [ARGS]   simulator on a port of its choosing -> $carrier_port, $carrier_pid;
#                          its stdin is the fifo $logdir/carrier.in (carrier_cmd writes to it)
#   write_profiles DIR PORT CARRIER_PORT [MAP_MB]
#   start_gateway DIR      twinsmsd --config DIR -> $gateway_pid; waits until it listens
#   stop_pid PID [SIGNAL]  signal one process and wait for it (bounded), then KILL

client_id=load client_pw=loadpw carrier_id=carrier carrier_pw=carrier1
sim_exe="$build/tools/sim/twinsms-smsc-sim"
load_exe="$build/tools/bench/load/twinsms-load"
gateway_exe="$build/src/app/twinsmsd"

bench_check_built() {
  local f
  for f in "$sim_exe" "$load_exe" "$gateway_exe"; do
    [ -x "$f" ] || { echo "$bench_name: $f not built (cmake --build $build --target $(basename "$f"))" >&2; exit 1; }
  done
}

pids=()
bench_keep_logs=0
cleanup() {
  local p alive
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  # Bounded: whatever has not left after 10 s is killed (twinsmsd flushes
  # its store on SIGTERM).
  for _ in $(seq 100); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
  [ -n "${ctl_fd:-}" ] && { exec {ctl_fd}>&- 2>/dev/null || true; ctl_fd=; }
  if [ -n "${logdir:-}" ] && [ -d "$logdir" ] && [ "$bench_keep_logs" = 0 ]; then rm -rf "$logdir"; fi
}

# Logs are kept (and named) when the run fails; a run that reaches its end
# calls bench_done, which lets cleanup remove them.
bench_init() {
  bench_name=$1
  logdir=$(mktemp -d "/tmp/twinsms-$1.XXXXXX")
  bench_keep_logs=1
  trap 'rc=$?; [ $rc != 0 ] && [ "$bench_keep_logs" = 1 ] && echo "$bench_name: failed (exit $rc), logs kept in $logdir" >&2; cleanup' EXIT
  trap 'exit 130' INT TERM
}
bench_done() { bench_keep_logs=0; }

forget_pid() { # drops $1 from pids once it is reaped
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  pids=("${keep[@]}")
}

stop_pid() { # pid [signal]: bounded stop of one child we started
  kill "-${2:-TERM}" "$1" 2>/dev/null || true
  for _ in $(seq 1000); do # 10 s; polled finely, run-queue times the stop
    kill -0 "$1" 2>/dev/null || break
    sleep 0.01
  done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

# A loopback port nothing accepts on right now, below Linux's ephemeral
# range (32768+) so no outgoing connection holds it either.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  echo "$bench_name: no free port found" >&2
  return 1
}

wait_port() { # port what pid: bounded wait until something accepts there (fails at once if pid died)
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "$bench_name: $2 exited before listening on 127.0.0.1:$1 (logs in $logdir)" >&2; return 1; }
    sleep 0.1
  done
  echo "$bench_name: $2 not listening on 127.0.0.1:$1 (logs in $logdir)" >&2
  return 1
}

# The carrier: our simulator, without its enquire_link relay hop (--direct),
# receipts 100 ms after the submit unless ARGS say otherwise. Its stdin is a
# fifo we hold open read-write (so neither side blocks on open), for
# `refuse`/`stats` commands; its replies go to carrier.out.
start_carrier() {
  mkfifo "$logdir/carrier.in"
  exec {ctl_fd}<>"$logdir/carrier.in"
  "$sim_exe" --listen 127.0.0.1:0 --account "$carrier_id:$carrier_pw" --direct --receipt-delay-ms 100 \
    --log-level warn "$@" <"$logdir/carrier.in" >"$logdir/carrier.out" 2>"$logdir/carrier.err" &
  carrier_pid=$!
  pids+=("$carrier_pid")
  for _ in $(seq 100); do
    # (carrier.out may not exist yet: the simulator's redirections run in the child)
    carrier_port=$(sed -n 's/^listening .* port=\([0-9]*\)$/\1/p' "$logdir/carrier.out" 2>/dev/null || true)
    [ -n "$carrier_port" ] && return 0
    kill -0 "$carrier_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$bench_name: carrier simulator did not start (see $logdir)" >&2
  return 1
}

# Sends one stdin command to the simulator and waits (bounded) for its
# reply line; prints it.
carrier_cmd() {
  local before after
  before=$(wc -l <"$logdir/carrier.out")
  echo "$*" >&"$ctl_fd"
  for _ in $(seq 500); do
    after=$(wc -l <"$logdir/carrier.out")
    if [ "$after" -gt "$before" ]; then
      sed -n "$((before + 1))p" "$logdir/carrier.out"
      return 0
    fi
    sleep 0.01
  done
  echo "$bench_name: carrier simulator did not answer '$*'" >&2
  return 1
}

# A profile folder like profiles/demo: one node on 127.0.0.1:PORT with its
# store inside the folder (relative path), the account twinsms-load binds
# with (no TPS limit), the simulator as the only carrier, everything routed
# to it. Durability sync (the default): every accepted submit is fsynced
# (group commit) before its submit_sm_resp.
# An admin listener when $admin_port is set (store_ops reads its /metrics).
admin_section() {
  [ -n "${admin_port:-}" ] || return 0
  printf '  admin:\n    listen: 127.0.0.1:%s\n    token: %s\n' "$admin_port" "$admin_token"
}
admin_token=bench-admin-token-0123456789

# The store's committed LMDB operations (twinsms_store_ops_total), one
# `table count` line per table and a `total count` line; needs $admin_port.
store_ops() {
  curl -sf -H "Authorization: Bearer $admin_token" "http://127.0.0.1:$admin_port/metrics" |
    awk -F'[{}" ]+' '/^twinsms_store_ops_total\{/ {print $3, $4; t += $4} END {print "total", t + 0}'
}

write_profiles() { # dir port carrier_port [map_size_mb]
  mkdir -p "$1/clients" "$1/carriers"
  cat >"$1/node.yaml" <<EOF
node:
  id: bench
  role: primary
  listen: [127.0.0.1:$2]
  store:
    path: store
    map_size_mb: ${4:-1024}
    durability: sync
  client_sessions:
    window: 100
    enquire_link_interval: 30s
$(admin_section)
  log_level: info
EOF
  cat >"$1/clients/load.yaml" <<EOF
client:
  state: active
  system_id: $client_id
  password: $client_pw
  binds: [transmitter, receiver, transceiver]
EOF
  # Reconnect at most 500 ms apart: run-queue times how soon queued
  # messages flow once the carrier takes binds again.
  cat >"$1/carriers/sim.yaml" <<EOF
carrier:
  state: active
  host: 127.0.0.1
  port: $3
  bind: transceiver
  system_id: $carrier_id
  password: $carrier_pw
  binds: 2
  window: 100
  enquire_link_interval: 30s
  reconnect: {initial: 100ms, max: 500ms}
EOF
  cat >"$1/routes.yaml" <<EOF
routes:
  - name: all
    carriers: [sim]
mo:
  - name: all-mo
    client: load
EOF
}

# twinsmsd on the folder; its port is read back from node.yaml. Logs
# (logfmt, stderr) append to gateway.log across restarts.
start_gateway() { # dir
  local port
  port=$(sed -n 's/^  listen: \[127\.0\.0\.1:\([0-9]*\)\]$/\1/p' "$1/node.yaml")
  "$gateway_exe" --config "$1" >>"$logdir/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=("$gateway_pid")
  wait_port "$port" twinsmsd "$gateway_pid"
}
