#!/usr/bin/env node
// Interop peer: an ESME written with node-smpp (not by us) binding to the
// twinsms client listener.
//
//   node esme_client.js PORT SYSTEM_ID PASSWORD [MODE] [IDLE_MS]
//
// MODE full:         bind_transceiver, stay idle IDLE_MS (answering the
//                    server's enquire_link probes), enquire_link, submit_sm
//                    (UCS-2 with a user_message_reference TLV, asking for a
//                    receipt), submit_sm (message_payload TLV, empty
//                    short_message), wait for the receipt deliver_sm and
//                    answer it, unbind.
// MODE bind-only:    bind_transceiver and report the status.
// MODE bind-default-version: the same, with node-smpp's default
//                    interface_version (0x50, SMPP 5.0) as many peers send it.
// MODE burst:        bind_transceiver, then IDLE_MS is a count: send that many
//                    submit_sm back to back without waiting, collect every
//                    submit_sm_resp, unbind.
// MODE long-dest:     bind_transceiver, submit_sm to a 25-digit destination
//                    (SMPP 3.4 allows 20; node-smpp does not check), report
//                    which PDU answered it and its status, unbind.
// MODE wait-unbind:  bind_transceiver, print {"event":"bound"}, then wait for
//                    the server to unbind us and answer it.
//
// Prints one JSON result line (the last line) with everything it saw, then
// exits 0; a transport error exits 2, the watchdog 3. Exits when stdin
// closes, so it never outlives the test that started it. Talks only to
// 127.0.0.1.
'use strict';
const smpp = require('smpp');

const [portArg, systemId, password, mode = 'full', idleArg = '0'] = process.argv.slice(2);
const port = Number(portArg);
const idleMs = Number(idleArg);
if (!port || systemId === undefined || password === undefined) {
  process.stderr.write('usage: esme_client.js PORT SYSTEM_ID PASSWORD [full|bind-only]\n');
  process.exit(64);
}

// Known to the C++ test, which checks our side received exactly these.
const UCS2_TEXT = 'Привет, мир! ✓ twinsms';
const PAYLOAD_TEXT = ('node smpp message payload ' + '0123456789 ').repeat(12).trim();

const result = { mode, unexpected: [], enquire_links_received: 0 };
const { session, finish } = require('./peer_session').start(port, result, 15000);
// The server may probe us.
session.on('enquire_link', (pdu) => {
  result.enquire_links_received++;
  session.send(pdu.response());
});
// The server may end the session (shutdown).
session.on('unbind', (pdu) => {
  result.server_unbind = true;
  session.send(pdu.response(), () => session.close());
});

function step(fn) {
  return new Promise((resolve) => fn(resolve));
}

session.on('connect', async () => {
  const params = { system_id: systemId, password };
  // node-smpp defaults to 0x50 (SMPP 5.0); we speak 3.4.
  if (mode !== 'bind-default-version') params.interface_version = 0x34;
  const bind = await step((done) => session.bind_transceiver(params, done));
  result.bind_status = bind.command_status;
  result.bind_system_id = bind.system_id;
  result.bind_sc_interface_version = bind.sc_interface_version;
  if (bind.command_status !== 0 || mode === 'bind-only' || mode === 'bind-default-version') {
    session.close();
    return;
  }
  if (mode === 'wait-unbind') {
    process.stdout.write(JSON.stringify({ event: 'bound' }) + '\n');
    return; // the unbind handler answers and closes
  }
  if (mode === 'long-dest') {
    const r = await step((done) => session.submit_sm({
      source_addr: 'NodeESME', destination_addr: '4670123456789012345678901', data_coding: 0, short_message: 'x',
    }, done));
    result.submit_resp_command = r.command;
    result.submit_resp_status = r.command_status;
    const unbind = await step((done) => session.unbind(done));
    result.unbind_status = unbind.command_status;
    session.close();
    return;
  }
  if (mode === 'burst') {
    const count = idleMs;
    const statuses = {};
    const ids = [];
    await new Promise((resolve) => {
      let answered = 0;
      for (let i = 0; i < count; i++) {
        session.submit_sm({
          source_addr: 'NodeBurst', destination_addr: '4670' + String(i).padStart(7, '0'),
          data_coding: 0, short_message: 'burst ' + i,
        }, (resp) => {
          statuses[resp.command_status] = (statuses[resp.command_status] || 0) + 1;
          ids[i] = resp.message_id;
          if (++answered === count) resolve();
        });
      }
    });
    result.burst_statuses = statuses;
    result.burst_ids = ids;
    const unbind = await step((done) => session.unbind(done));
    result.unbind_status = unbind.command_status;
    session.close();
    return;
  }
  if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));

  const enq = await step((done) => session.enquire_link(done));
  result.enquire_link_status = enq.command_status;

  // Register before submitting: the receipt may arrive in the same read as
  // the submit_sm_resp.
  const receipt = new Promise((resolve) => {
    session.on('deliver_sm', (pdu) => {
      result.deliver = {
        source_addr: pdu.source_addr,
        destination_addr: pdu.destination_addr,
        esm_class: pdu.esm_class,
        data_coding: pdu.data_coding,
        short_message: pdu.short_message && pdu.short_message.message,
        receipted_message_id: pdu.receipted_message_id,
        message_state: pdu.message_state,
      };
      session.send(pdu.response());
      resolve();
    });
  });

  const s1 = await step((done) => session.submit_sm({
    source_addr: 'NodeESME',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '46701234567',
    registered_delivery: 1,
    data_coding: 8, // UCS-2: node-smpp encodes the string as UTF-16BE
    short_message: UCS2_TEXT,
    user_message_reference: 0x1234,
  }, done));
  result.submit1_status = s1.command_status;
  result.submit1_message_id = s1.message_id;

  const s2 = await step((done) => session.submit_sm({
    source_addr: 'NodeESME',
    destination_addr: '46707654321',
    data_coding: 0,
    short_message: '',
    message_payload: PAYLOAD_TEXT, // > 255 octets: only a TLV can carry it
  }, done));
  result.submit2_status = s2.command_status;
  result.submit2_message_id = s2.message_id;

  await Promise.race([receipt, new Promise((r) => setTimeout(r, 5000))]);

  const unbind = await step((done) => session.unbind(done));
  result.unbind_status = unbind.command_status;
  session.close();
});
