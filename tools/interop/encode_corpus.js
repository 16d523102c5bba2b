#!/usr/bin/env node
// Encodes a fixed corpus of PDUs with node-smpp (the pinned 0.5.1 in
// tools/interop/node_modules) and prints one PDU per line:
//
//   label <TAB> hex <TAB> {"command": ..., "fields": {...}}
//
// "fields" are the values handed to node-smpp (plus the few node-smpp
// defaults noted in the corpus), so a decoder can check what
// it reads against what the peer meant to send. Buffers are printed as
// {"hex": "..."}; TLVs appear under their node-smpp names next to the body
// fields. The output is deterministic and committed as
// tests/codec/data/node_smpp_corpus.txt; codec_node_smpp_corpus_test compares
// the two so a change in node-smpp's encoding is noticed.
'use strict';

const smpp = require('smpp');

const buf = (s) => Buffer.from(s, 'latin1');

const receipt = 'id:5f3a9c2e sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:Hello';

const corpus = [
  ['bind_transceiver v3.4', 'bind_transceiver', {
    sequence_number: 1, system_id: 'node', password: 'secret', system_type: 'VMA',
    interface_version: 0x34, addr_ton: 1, addr_npi: 1, address_range: '',
  }],
  // node-smpp binds as SMPP 5.0 unless told otherwise (4th element: node-smpp
  // defaults the expectation relies on, not passed to node-smpp).
  ['bind_transceiver default version', 'bind_transceiver', {sequence_number: 2, system_id: 'node', password: 'pw'},
   {interface_version: 0x50}],
  ['bind_transmitter', 'bind_transmitter', {sequence_number: 3, system_id: 'tx', password: 'pw', interface_version: 0x34}],
  ['bind_receiver', 'bind_receiver', {sequence_number: 4, system_id: 'rx', password: 'pw', interface_version: 0x34, address_range: '^447'}],
  ['bind_transceiver_resp', 'bind_transceiver_resp', {sequence_number: 1, system_id: 'SMSC', sc_interface_version: 0x34}],
  ['bind_transmitter_resp error', 'bind_transmitter_resp', {sequence_number: 3, command_status: 0x0000000E}],
  ['outbind', 'outbind', {sequence_number: 5, system_id: 'SMSC', password: 'pw'}],
  ['submit_sm with tlvs', 'submit_sm', {
    sequence_number: 10, service_type: 'CMT', source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900123',
    dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900456', registered_delivery: 1,
    validity_period: '240101120000000+', data_coding: 0, short_message: buf('Hello world'),
    user_message_reference: 0x1234, sar_msg_ref_num: 0x42, sar_total_segments: 2, sar_segment_seqnum: 1,
  }],
  ['submit_sm message_payload', 'submit_sm', {
    sequence_number: 11, source_addr_ton: 5, source_addr: 'NODE', destination_addr: '447700900456',
    data_coding: 8, short_message: Buffer.alloc(0), message_payload: buf('\x00h\x00e\x00l\x00l\x00o'),
    source_port: 8080, more_messages_to_send: 1,
  }],
  ['submit_sm_resp', 'submit_sm_resp', {sequence_number: 10, message_id: '5f3a9c2e'}],
  ['submit_sm_resp throttled', 'submit_sm_resp', {sequence_number: 11, command_status: 0x00000058}],
  ['submit_sm_resp vendor status', 'submit_sm_resp', {sequence_number: 12, command_status: 0x00000400}],
  ['deliver_sm receipt', 'deliver_sm', {
    sequence_number: 20, source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900456',
    dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900123', esm_class: 4, data_coding: 0,
    short_message: buf(receipt), receipted_message_id: '5f3a9c2e', message_state: 2,
    network_error_code: Buffer.from([3, 0x00, 0x22]),
  }],
  ['deliver_sm_resp', 'deliver_sm_resp', {sequence_number: 20, message_id: ''}],
  ['data_sm', 'data_sm', {
    sequence_number: 30, source_addr_ton: 2, source_addr_npi: 8, source_addr: '1234', destination_addr: '447700900123',
    registered_delivery: 1, data_coding: 4, message_payload: Buffer.from([0x00, 0x01, 0xfe, 0xff]),
    qos_time_to_live: 3600, user_message_reference: 7,
  }],
  ['data_sm_resp', 'data_sm_resp', {sequence_number: 30, message_id: 'abc123', delivery_failure_reason: 1}],
  ['query_sm', 'query_sm', {sequence_number: 40, message_id: '5f3a9c2e', source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900123'}],
  ['query_sm_resp', 'query_sm_resp', {sequence_number: 40, message_id: '5f3a9c2e', final_date: '240101120100000+', message_state: 2, error_code: 0}],
  ['cancel_sm', 'cancel_sm', {
    sequence_number: 41, message_id: '5f3a9c2e', source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900123',
    dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900456',
  }],
  ['cancel_sm_resp', 'cancel_sm_resp', {sequence_number: 41}],
  ['replace_sm', 'replace_sm', {
    sequence_number: 42, message_id: '5f3a9c2e', source_addr: '447700900123', validity_period: '000001000000000R',
    registered_delivery: 1, short_message: buf('New text'),
  }],
  ['replace_sm_resp', 'replace_sm_resp', {sequence_number: 42}],
  ['submit_multi', 'submit_multi', {
    sequence_number: 50, source_addr: '447700900123', data_coding: 0, short_message: buf('hi all'),
    dest_address: [
      {dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900001'},
      {dl_name: 'friends'},
      {dest_addr_ton: 2, dest_addr_npi: 8, destination_addr: '0700900002'},
    ],
  }],
  ['submit_multi_resp', 'submit_multi_resp', {
    sequence_number: 50, message_id: 'm-77',
    unsuccess_sme: [
      {dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900001', error_status_code: 0x0B},
      {dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '123', error_status_code: 0x400},
    ],
  }],
  ['alert_notification', 'alert_notification', {
    sequence_number: 60, source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900456', esme_addr: 'esme',
    ms_availability_status: 0,
  }],
  ['enquire_link', 'enquire_link', {sequence_number: 0x7FFFFFFF}],
  ['enquire_link_resp', 'enquire_link_resp', {sequence_number: 0x7FFFFFFF}],
  ['unbind', 'unbind', {sequence_number: 70}],
  ['unbind_resp', 'unbind_resp', {sequence_number: 70}],
  ['generic_nack', 'generic_nack', {sequence_number: 71, command_status: 0x00000003}],
];

// Buffers as {"hex": ...}; everything else as JSON knows it.
function expected(value) {
  if (Buffer.isBuffer(value)) return {hex: value.toString('hex')};
  if (Array.isArray(value)) return value.map(expected);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value)) out[key] = expected(value[key]);
    return out;
  }
  return value;
}

for (const [label, command, fields, defaults] of corpus) {
  // node-smpp's encode filters rewrite their input object; keep ours intact.
  const want = JSON.stringify({command, fields: expected(Object.assign({}, fields, defaults))});
  const hex = new smpp.PDU(command, Object.assign({}, fields)).toBuffer().toString('hex');
  process.stdout.write(`${label}\t${hex}\t${want}\n`);
}
