#!/usr/bin/env bash
# check_config.sh PROMTOOL OPS_PROMETHEUS_DIR: promtool check config on the
# shipped prometheus.yml as make-config writes it (the shipped token path,
# /etc/prometheus/..., does not exist here), rules included.
set -euo pipefail
promtool=$1 dir=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twinsms-promcfg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "some-admin-token-0123456789" >"$tmp/token"
"$dir/make-config" 127.0.0.1:18081 127.0.0.1:18082 "$tmp/token" "$dir/twinsms-rules.yml" >"$tmp/prometheus.yml"
# make-config changed what it should, and nothing points at the originals.
grep -q "credentials_file: $tmp/token" "$tmp/prometheus.yml"
grep -q "'127.0.0.1:18081'" "$tmp/prometheus.yml"
grep -q "'127.0.0.1:18082'" "$tmp/prometheus.yml"
grep -q "^  - $dir/twinsms-rules.yml" "$tmp/prometheus.yml"
"$promtool" check config "$tmp/prometheus.yml"
