#!/usr/bin/env bash
# Runs the README's demo once on free ports: the two-node pair (site1 and
# site2) and the carrier simulator. Checks that both nodes reached mode
# normal and that the client of each site (alpha on site1, bravo on site2,
# which goes through the peer link) got its 5 messages accepted and
# receipted, and an MO, and that the demo printed both nodes' status page
# URLs (which it checked answer) with the admin token, and where the alert
# rules and dashboard are with a Prometheus command line whose configuration
# promtool accepts. With a third argument --witness, the demo also starts
# its single-member etcd and site1 must hold the carrier key.
set -euo pipefail
root="$1"
build="$2"
witness="${3:-}"
# Eight distinct loopback ports below the ephemeral range (no connect() takes
# them) that bind now and that no C++ test holds (tests/interop/free_port.hpp).
read -r p_smpp p_site2 p_carrier admin1 admin2 p_hb p_etcd p_etcd_peer < <(python3 - <<'PY'
import fcntl, os, random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
os.makedirs("/tmp/twinsms-test-ports", mode=0o1777, exist_ok=True)
picked = []
while len(picked) < 8:
    port = random.randrange(12000, low)
    if port in picked:
        continue
    try:
        with open(f"/tmp/twinsms-test-ports/{port}", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
    except OSError:
        continue
    picked.append(port)
print(*picked)
PY
)
set +e
out=$(TWINSMS_BUILD_DIR="$build" TWINSMS_DEMO_PORT=$p_smpp TWINSMS_DEMO_SITE2_PORT=$p_site2 \
      TWINSMS_DEMO_CARRIER_PORT=$p_carrier TWINSMS_DEMO_ADMIN1_PORT=$admin1 \
      TWINSMS_DEMO_ADMIN2_PORT=$admin2 TWINSMS_DEMO_HB_PORT=$p_hb \
      TWINSMS_DEMO_ETCD_PORT=$p_etcd TWINSMS_DEMO_ETCD_PEER_PORT=$p_etcd_peer \
      timeout 150 "$root/tools/demo" --once --no-install $witness 2>&1)
rc=$?
set -e
echo "$out"
if [ "$rc" != 0 ]; then
  # The demo keeps its folder when it fails; CI only shows this output, so the logs go here.
  kept=$(sed -n 's/^demo stopped; profiles, stores and logs in //p' <<<"$out" | tail -1)
  if [ -n "$kept" ] && [ -d "$kept" ]; then
    for f in "$kept"/*.log "$kept"/*.curl; do
      [ -f "$f" ] && { echo "--- tail of $f"; tail -n 40 "$f"; }
    done
  fi
  echo "demo_test: tools/demo exited $rc" >&2
  exit 1
fi
for c in alpha@site1 bravo@site2; do
  grep -Eq "^$c +done +accepted=5 rejected=0 receipts=5 mo=[1-9][0-9]*\$" <<<"$out" \
    || { echo "demo_test: $c: not 5 accepted, 5 receipts and an MO" >&2; exit 1; }
done
grep -q '^demo: site1 mode normal, site2 mode normal$' <<<"$out" || { echo "demo_test: nodes not both normal" >&2; exit 1; }
# Both nodes' status was shown, and site2's traffic went over the peer link.
grep -Eq '^node +site1 +role primary +mode normal' <<<"$out"
grep -Eq '^node +site2 +role secondary +mode normal' <<<"$out"
# The status pages and the token for their buttons.
grep -Eq "^  status pages +http://127\.0\.0\.1:$admin1/ \(site1\) +http://127\.0\.0\.1:$admin2/ \(site2\)\$" <<<"$out" \
  || { echo "demo_test: no status page URLs of both nodes" >&2; exit 1; }
grep -Eq '^  admin token +demo-admin-token-0123456789 ' <<<"$out" || { echo "demo_test: no admin token" >&2; exit 1; }
# Monitoring: the rules, the dashboard and a Prometheus command line for this pair.
grep -Eq "^  alert rules +$root/tools/ops/prometheus/twinsms-rules\.yml " <<<"$out" || { echo "demo_test: no alert rules path" >&2; exit 1; }
grep -Eq "^  dashboard +$root/tools/ops/grafana/twinsms\.json " <<<"$out" || { echo "demo_test: no dashboard path" >&2; exit 1; }
prom=$(sed -n 's/^  Prometheus    prometheus --config\.file=\([^ ]*\) .*/\1/p' <<<"$out")
[ -n "$prom" ] && [ -f "$prom" ] || { echo "demo_test: no Prometheus command line with its configuration" >&2; exit 1; }
grep -q "'127.0.0.1:$admin1'" "$prom" && grep -q "'127.0.0.1:$admin2'" "$prom" \
  || { echo "demo_test: $prom does not scrape both nodes" >&2; exit 1; }
if command -v promtool >/dev/null; then promtool check config "$prom" >/dev/null || { echo "demo_test: promtool check config $prom failed" >&2; exit 1; }; fi
# Partition safety, said plainly: without the witness not safe; with it site1 holds the key.
if [ "$witness" = --witness ]; then
  grep -Eq '^witness +/twinsms/site1/carrier_owner +held +revision [0-9]+' <<<"$out" \
    || { echo "demo_test: site1 does not hold the witness key" >&2; exit 1; }
else
  grep -q '^partition NOT PARTITION-SAFE (no witness)$' <<<"$out" || { echo "demo_test: no partition warning" >&2; exit 1; }
fi
