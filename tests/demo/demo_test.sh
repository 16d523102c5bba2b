#!/usr/bin/env bash
# Runs the README's demo once on free ports and checks that traffic flowed
# end to end: 5 submits accepted by the carrier, 5 receipts and 1 MO back.
set -euo pipefail
root="$1"
build="$2"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
out=$(TWINSMS_BUILD_DIR="$build" TWINSMS_DEMO_PORT=$(free_port) TWINSMS_DEMO_CARRIER_PORT=$(free_port) \
      timeout 120 "$root/tools/demo" --once --no-install 2>&1)
echo "$out"
grep -q '^done     accepted=5 rejected=0 receipts=5 mo=1$' <<<"$out"
