# tools/soak's pair (sourced, not run): profiles like run-pair's (and
# profiles/pair), for hours of load: the store keeps 2 minutes of message
# log and of carrier id mappings (72 h by default: the store would grow by
# every message's mapping for three days), failback only on command (the soak drives takeover and failback),
# accounts without TPS limits. Uses $s1 $s2 $token $site1_port $site2_port
# $admin1_port $admin2_port $hb_port $carrier_port $carrier_id $carrier_pw.
soak_site() { # dir id role listen admin_port
  mkdir -p "$1/clients" "$1/carriers"
  cat >"$1/node.yaml" <<EOT
node:
  id: $2
  role: $3
  listen: [127.0.0.1:$4]
  store:
    path: store
    map_size_mb: 1024
    durability: sync
    log_retention: 2m
    receipt_map_ttl: 2m
  client_sessions:
    window: 100
    enquire_link_interval: 30s
  admin:
    listen: 127.0.0.1:$5
    token: $token
  cluster:
    peer_id: $([ "$2" = site1 ] && echo site2 || echo site1)
    keepalive: {interval: 1s, misses: 3}
    second_path: 127.0.0.2:$hb_port
    failback: {mode: manual}
  log_level: info
EOT
}
soak_client() { # dir name state
  cat >"$1/clients/$2.yaml" <<EOT
client:
  state: $3
  system_id: $2
  password: ${2}pw
  binds: [transmitter, receiver, transceiver]
EOT
}
soak_carrier() { # dir state
  cat >"$1/carriers/sim.yaml" <<EOT
carrier:
  state: $2
  host: 127.0.0.1
  port: $carrier_port
  bind: transceiver
  system_id: $carrier_id
  password: $carrier_pw
  binds: 2
  window: 100
  enquire_link_interval: 30s
  reconnect: {initial: 100ms, max: 500ms}
EOT
}
write_soak_pair() {
  soak_site "$s1" site1 primary "$site1_port" "$admin1_port"
  soak_client "$s1" alpha active
  soak_client "$s1" bravo passive
  cat >"$s1/clients/site2.yaml" <<EOT
client:
  kind: peer
  system_id: site2
  password: peer2pw
  binds: [transceiver, transmitter]
  max_binds: 4
EOT
  soak_carrier "$s1" active
  cat >"$s1/routes.yaml" <<EOT
routes:
  - name: all
    carriers: [sim]
mo:
  - name: to-alpha
    client: alpha
EOT
  soak_site "$s2" site2 secondary "$site2_port" "$admin2_port"
  soak_client "$s2" alpha passive
  soak_client "$s2" bravo active
  soak_carrier "$s2" passive
  cat >"$s2/carriers/site1.yaml" <<EOT
carrier:
  kind: peer
  host: 127.0.0.1
  port: $site1_port
  system_id: site2
  password: peer2pw
  binds: 2
  window: 200
EOT
  cat >"$s2/routes.yaml" <<EOT
routes:
  - name: all
    carriers: [site1, sim]
mo:
  - name: to-bravo
    client: bravo
EOT
}
