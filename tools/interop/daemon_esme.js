#!/usr/bin/env node
// Interop peer: an ESME written with node-smpp (not by us) as a client of
// twinsmsd, a store-and-forward node (receipts come from its carrier later,
// MO arrives whenever a handset writes).
//
//   node daemon_esme.js PORT SYSTEM_ID PASSWORD [MODE]
//
// MODE full (default): bind_transceiver with interface_version 0x34, print
//   {"event":"bound"}, enquire_link, one submit_sm asking for a receipt,
//   then a 3-part message (UDH concatenation IE 00 03 REF 03 SEQ, esm_class
//   UDHI, each part its own submit_sm asking for a receipt); answer every
//   deliver_sm, waiting until a receipt has come for each of the 4 ids and
//   at least one MO (deliver_sm that is not a receipt) has come; unbind.
//
// Prints {"event":"bound"} when bound, then one JSON result line (the last
// line) with everything it saw, and exits 0; a transport error exits 2, the
// watchdog 3, stdin EOF 4. Talks only to 127.0.0.1.
'use strict';
const smpp = require('smpp');

const [portArg, systemId, password, mode = 'full'] = process.argv.slice(2);
const port = Number(portArg);
if (!port || systemId === undefined || password === undefined || mode !== 'full') {
  process.stderr.write('usage: daemon_esme.js PORT SYSTEM_ID PASSWORD [full]\n');
  process.exit(64);
}

// Known to the C++ test.
const SINGLE_TEXT = 'hello twinsmsd from node-smpp';
const PART_TEXTS = ['part one of three, ', 'part two of three, ', 'part three of three.'];
const CONCAT_REF = 0x5A;

const result = { mode, unexpected: [], receipts: [], mo: [], parts: [] };
const { session, finish } = require('./peer_session').start(port, result, 25000);
session.on('enquire_link', (pdu) => session.send(pdu.response()));
session.on('unbind', (pdu) => {
  result.server_unbind = true;
  session.send(pdu.response(), () => session.close());
});

// Receipts and MO may arrive at any time after bind, even before the
// submit_sm_resp of the message they are about is read.
let wanted = null; // resolves once every receipt and an MO are in
const waiters = [];
function check() {
  if (!wanted) return;
  const got = new Set(result.receipts.map((r) => r.receipted_message_id));
  if (wanted.every((id) => got.has(id)) && result.mo.length >= 1) waiters.splice(0).forEach((w) => w());
}
session.on('deliver_sm', (pdu) => {
  const sm = pdu.short_message || {};
  const text = Buffer.isBuffer(sm.message) ? sm.message.toString('latin1') : sm.message;
  const d = {
    esm_class: pdu.esm_class, source_addr: pdu.source_addr, destination_addr: pdu.destination_addr,
    data_coding: pdu.data_coding, short_message: text,
  };
  if (pdu.esm_class & smpp.ESM_CLASS.MC_DELIVERY_RECEIPT) {
    d.receipted_message_id = pdu.receipted_message_id;
    d.message_state = pdu.message_state;
    result.receipts.push(d);
  } else {
    result.mo.push(d);
  }
  session.send(pdu.response());
  check();
});

function step(fn) {
  return new Promise((resolve) => fn(resolve));
}

session.on('connect', async () => {
  const bind = await step((done) => session.bind_transceiver(
    { system_id: systemId, password, interface_version: 0x34 }, done));
  result.bind_status = bind.command_status;
  result.bind_system_id = bind.system_id;
  result.bind_sc_interface_version = bind.sc_interface_version;
  if (bind.command_status !== 0) {
    session.close();
    return;
  }
  process.stdout.write(JSON.stringify({ event: 'bound' }) + '\n');

  const enq = await step((done) => session.enquire_link(done));
  result.enquire_link_status = enq.command_status;

  const s = await step((done) => session.submit_sm({
    source_addr: 'NodeESME', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '46701234567',
    registered_delivery: 1, data_coding: 0, short_message: SINGLE_TEXT,
  }, done));
  result.single = { status: s.command_status, message_id: s.message_id };

  for (let i = 0; i < PART_TEXTS.length; i++) {
    const udh = Buffer.from([0x05, 0x00, 0x03, CONCAT_REF, PART_TEXTS.length, i + 1]);
    const p = await step((done) => session.submit_sm({
      source_addr: 'NodeESME', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '46707654321',
      registered_delivery: 1, data_coding: 0, esm_class: smpp.ESM_CLASS.UDH_INDICATOR,
      short_message: { udh, message: PART_TEXTS[i] },
    }, done));
    result.parts.push({ status: p.command_status, message_id: p.message_id });
  }

  wanted = [result.single.message_id, ...result.parts.map((p) => p.message_id)];
  await new Promise((resolve) => { waiters.push(resolve); check(); });

  const unbind = await step((done) => session.unbind(done));
  result.unbind_status = unbind.command_status;
  session.close();
});
