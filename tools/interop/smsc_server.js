#!/usr/bin/env node
// Interop peer: a carrier SMSC written with node-smpp (not by us), for the
// twinsms carrier client to bind to.
//
//   node smsc_server.js [--port N] [--system-id ID] [--password PW]
//                       [--throttle-nth K] [--no-receipts]
//
// Listens on 127.0.0.1 (port 0: the OS picks) and prints
//   {"event":"listening","port":N}
// first, then one JSON line per thing it sees or does. It accepts binds
// with the configured credentials (ESME_RINVSYSID / ESME_RINVPASWD
// otherwise), answers submit_sm with message ids "nd<pid>-<n>", answers the
// K-th submit_sm it receives with ESME_RTHROTTLED once (default K=2, 0
// disables), sends a receipt deliver_sm (receipted_message_id and
// message_state TLVs) for every accepted submit_sm with registered_delivery,
// never answers submits to destination "blackhole", answers enquire_link and
// unbind. Commands on stdin, one a line, act on every bound session:
//   unbind        send unbind (SMSC-initiated, as at maintenance), close after the resp
//   enquire_link  probe the client
//   mo            send three mobile-originated messages: a UCS-2 deliver_sm,
//                 a deliver_sm whose text is in message_payload (> 255
//                 octets), and a data_sm with message_payload
// Exits on SIGTERM or when stdin closes.
'use strict';
const smpp = require('smpp');

const opts = { port: 0, systemId: 'twinsms', password: 'secret', throttleNth: 2, receipts: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--port') opts.port = Number(argv[++i]);
  else if (a === '--system-id') opts.systemId = argv[++i];
  else if (a === '--password') opts.password = argv[++i];
  else if (a === '--throttle-nth') opts.throttleNth = Number(argv[++i]);
  else if (a === '--no-receipts') opts.receipts = false;
  else { process.stderr.write(`smsc_server.js: unknown argument ${a}\n`); process.exit(64); }
}

function log(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }

// Known to the C++ test.
const MO_UCS2_TEXT = 'Ответ ✓';
const MO_PAYLOAD_TEXT = ('mobile originated payload ' + '0123456789 ').repeat(10).trim();

let submits = 0;     // every submit_sm received, on any session
let throttled = false;
let nextId = 0;
let sessions = 0;
const live = new Map(); // session number -> bound session

const server = smpp.createServer((session) => {
  const sid = ++sessions;
  let bound = false;
  log({ event: 'connect', session: sid });

  session.on('error', (e) => log({ event: 'error', session: sid, error: String(e && e.message || e) }));
  session.on('close', () => {
    live.delete(sid);
    log({ event: 'close', session: sid });
  });

  const onBind = (pdu) => {
    const ok = pdu.system_id === opts.systemId && pdu.password === opts.password;
    const status = ok ? 0 : (pdu.system_id !== opts.systemId ? smpp.ESME_RINVSYSID : smpp.ESME_RINVPASWD);
    log({ event: 'bind', session: sid, command: pdu.command, system_id: pdu.system_id,
          interface_version: pdu.interface_version, status });
    if (ok) {
      bound = true;
      live.set(sid, session);
      session.send(pdu.response({ system_id: 'nodesmsc' }));
    } else {
      session.send(pdu.response({ command_status: status }));
    }
  };
  session.on('bind_transceiver', onBind);
  session.on('bind_transmitter', onBind);
  session.on('bind_receiver', onBind);

  session.on('enquire_link', (pdu) => {
    log({ event: 'enquire_link', session: sid });
    session.send(pdu.response());
  });

  session.on('unbind', (pdu) => {
    log({ event: 'unbind', session: sid });
    session.send(pdu.response(), () => session.close());
  });

  session.on('submit_sm', (pdu) => {
    const n = ++submits;
    const entry = {
      event: 'submit', session: sid, n, seq: pdu.sequence_number,
      source_addr: pdu.source_addr, destination_addr: pdu.destination_addr,
      data_coding: pdu.data_coding, registered_delivery: pdu.registered_delivery,
      text: pdu.short_message && typeof pdu.short_message.message === 'string' ? pdu.short_message.message : null,
      user_message_reference: pdu.user_message_reference,
    };
    if (!bound) {
      entry.status = smpp.ESME_RINVBNDSTS;
      log(entry);
      session.send(pdu.response({ command_status: entry.status }));
      return;
    }
    if (pdu.destination_addr === 'blackhole') {
      entry.status = null; // never answered
      log(entry);
      return;
    }
    if (!throttled && opts.throttleNth > 0 && n === opts.throttleNth) {
      throttled = true;
      entry.status = smpp.ESME_RTHROTTLED;
      log(entry);
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    const id = `nd${process.pid}-${++nextId}`;
    entry.status = 0;
    entry.message_id = id;
    log(entry);
    session.send(pdu.response({ message_id: id }));
    if (!opts.receipts || !(pdu.registered_delivery & 1)) return;
    setImmediate(() => {
      const text = `id:${id} sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:`;
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
        short_message: text,
        receipted_message_id: id,
        message_state: smpp.MESSAGE_STATE.DELIVERED,
      }, (resp) => {
        log({ event: 'deliver_resp', session: sid, receipted_message_id: id, status: resp.command_status });
      });
      log({ event: 'deliver', session: sid, receipted_message_id: id });
    });
  });

  session.on('pdu', (pdu) => {
    const handled = ['bind_transceiver', 'bind_transmitter', 'bind_receiver', 'enquire_link', 'unbind',
                     'submit_sm', 'deliver_sm_resp', 'enquire_link_resp', 'unbind_resp'];
    if (!handled.includes(pdu.command)) {
      log({ event: 'unexpected', session: sid, command: pdu.command, command_id: pdu.command_id,
            status: pdu.command_status });
      if (!pdu.isResponse()) session.send(pdu.response({ command_status: smpp.ESME_RINVCMDID }));
    }
  });
});

server.on('error', (e) => {
  log({ event: 'server_error', error: String(e && e.message || e) });
  process.exit(2);
});
server.listen(opts.port, '127.0.0.1', () => log({ event: 'listening', port: server.address().port }));

// stdout to a pipe is asynchronous in node: exit once the last line is out.
process.on('SIGTERM', () => process.stdout.write(JSON.stringify({ event: 'exit' }) + '\n', () => process.exit(0)));
function command(cmd) {
  for (const [sid, session] of live) {
    if (cmd === 'unbind') {
      live.delete(sid);
      log({ event: 'send_unbind', session: sid });
      session.unbind((resp) => {
        log({ event: 'unbind_resp', session: sid, status: resp.command_status });
        session.close();
      });
    } else if (cmd === 'enquire_link') {
      log({ event: 'send_enquire_link', session: sid });
      session.enquire_link((resp) => log({ event: 'enquire_link_resp', session: sid, status: resp.command_status }));
    } else if (cmd === 'mo') {
      const answer = (kind) => (resp) =>
        log({ event: 'mo_resp', session: sid, kind, command: resp.command, status: resp.command_status });
      session.deliver_sm({
        source_addr: '46709998877', destination_addr: 'twinsms', data_coding: 8,
        short_message: MO_UCS2_TEXT,
      }, answer('ucs2'));
      session.deliver_sm({
        source_addr: '46709998877', destination_addr: 'twinsms', data_coding: 0,
        short_message: '', message_payload: MO_PAYLOAD_TEXT,
      }, answer('payload'));
      session.data_sm({
        source_addr: '46709998877', destination_addr: 'twinsms', data_coding: 0,
        message_payload: 'data sm from node',
      }, answer('data_sm'));
      log({ event: 'send_mo', session: sid });
    } else if (cmd) {
      log({ event: 'bad_command', command: cmd });
      return;
    }
  }
}
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  pending += d;
  for (let i; (i = pending.indexOf('\n')) >= 0;) {
    const cmd = pending.slice(0, i).trim();
    pending = pending.slice(i + 1);
    command(cmd);
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
// Never outlive a forgotten test by much.
setTimeout(() => { log({ event: 'watchdog' }); process.exit(3); }, 120000).unref();
