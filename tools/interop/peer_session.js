// Shared by the node-smpp ESME scripts: the connection to 127.0.0.1:PORT,
// the single JSON result line on exit, the watchdog, exit on stdin EOF (so a
// peer never outlives the test that started it), and the record of PDUs we
// did not ask for.
'use strict';
const smpp = require('smpp');

// Exit codes: 0 done, 2 transport error, 3 watchdog, 4 stdin closed.
function start(port, result, watchdogMs) {
  let finished = false;
  function finish(code) {
    if (finished) return;
    finished = true;
    // Exit once the line is out: stdout to a pipe is asynchronous in node.
    process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code));
  }
  setTimeout(() => { result.error = 'watchdog timeout'; finish(3); }, watchdogMs);
  process.stdin.on('end', () => { result.error = 'stdin closed'; finish(4); });
  process.stdin.resume();

  const session = smpp.connect({ host: '127.0.0.1', port });
  session.on('error', (e) => { result.error = String(e && e.message || e); finish(2); });
  session.on('close', () => { result.closed = true; finish(0); });
  // Anything we did not ask for (generic_nack, stray responses) is reported.
  // (generic_nack lands here too, and also in the callback of the request
  // whose sequence_number it carries: node-smpp matches by sequence only.)
  session.on('pdu', (pdu) => {
    const expected = ['bind_transceiver_resp', 'enquire_link_resp', 'submit_sm_resp', 'deliver_sm',
                      'unbind_resp', 'enquire_link', 'unbind'];
    if (!expected.includes(pdu.command)) {
      result.unexpected.push({ command: pdu.command, command_id: pdu.command_id, status: pdu.command_status });
    }
  });
  return { session, finish };
}

module.exports = { start };
