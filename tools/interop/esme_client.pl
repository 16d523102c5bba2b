#!/usr/bin/perl
# Interop peer: an ESME written with Perl Net::SMPP (Debian libnet-smpp-perl,
# not by us) binding to the twinsms client listener.
#
#   perl esme_client.pl PORT SYSTEM_ID PASSWORD [full|bind-only] [IDLE_MS]
#
# full:      bind_transceiver (interface_version 0x34), stay idle IDLE_MS
#            (answering and counting the server's enquire_link), enquire_link,
#            submit_sm (GSM text, user_message_reference TLV, receipt asked),
#            read the receipt deliver_sm and answer it, submit_sm (UDH +
#            UCS-2 part of a concatenated message, esm_class 0x40), unbind.
# bind-only: bind_transceiver and report the status.
#
# Prints one JSON line with what it saw. Net::SMPP is synchronous; the C++
# test bounds it with a timeout and kills it. Talks only to 127.0.0.1.
use strict;
use warnings;
use Net::SMPP;
use JSON::PP;
use IO::Select;
use Time::HiRes ();

my ($port, $system_id, $password, $mode, $idle_ms) = @ARGV;
$mode ||= 'full';
$idle_ms ||= 0;
die "usage: esme_client.pl PORT SYSTEM_ID PASSWORD [full|bind-only]\n"
    unless $port && defined $system_id && defined $password;

my %r = (mode => $mode, unexpected => [], enquire_links_received => 0);
sub finish {
    my ($code) = @_;
    print JSON::PP->new->canonical->encode(\%r), "\n";
    exit $code;
}

my ($smpp, $bind) = Net::SMPP->new_transceiver('127.0.0.1',
    port              => $port,
    system_id         => $system_id,
    password          => $password,
    interface_version => 0x34,
    timeout           => 10);
if (!$smpp) {
    $r{error} = "connect failed: $!";
    finish(2);
}
if (!$bind) {
    $r{error} = 'no bind response';
    finish(2);
}
$r{bind_status} = $bind->{status};
$r{bind_system_id} = $bind->{system_id};
$r{bind_sc_interface_version} = unpack('C', $bind->{sc_interface_version}) if defined $bind->{sc_interface_version};
if ($bind->{status} != 0 || $mode eq 'bind-only') {
    $smpp->close;
    finish(0);
}

# Idle: whatever the server sends now (its keepalive probes) is answered.
my $sel = IO::Select->new($smpp);
my $idle_until = Time::HiRes::time() + $idle_ms / 1000;
while ((my $left = $idle_until - Time::HiRes::time()) > 0) {
    next unless $sel->can_read($left);
    my $pdu = $smpp->read_pdu() or do { $r{error} = 'connection lost while idle'; finish(2) };
    if ($pdu->{cmd} == Net::SMPP::CMD_enquire_link) {
        $r{enquire_links_received}++;
        $smpp->enquire_link_resp(seq => $pdu->{seq});
    } else {
        push @{$r{unexpected}}, { cmd => $pdu->{cmd}, status => $pdu->{status} };
    }
}

my $enq = $smpp->enquire_link() or do { $r{error} = 'enquire_link: no response'; finish(2) };
$r{enquire_link_status} = $enq->{status};

my $s1 = $smpp->submit_sm(
    source_addr            => 'PerlESME',
    dest_addr_ton          => 1,
    dest_addr_npi          => 1,
    destination_addr       => '46701112233',
    registered_delivery    => 1,
    data_coding            => 0,
    short_message          => 'Hello from Net::SMPP',
    user_message_reference => pack('n', 0x0BEE),
) or do { $r{error} = 'submit 1: no response'; finish(2) };
$r{submit1_status} = $s1->{status};
$r{submit1_message_id} = $s1->{message_id};

# The receipt for submit 1. Net::SMPP's wait_pdu drops PDUs it is not
# waiting for, so read it explicitly (answering any enquire_link meanwhile).
for (;;) {
    my $pdu = $smpp->read_pdu() or do { $r{error} = 'connection lost waiting for deliver_sm'; finish(2) };
    if ($pdu->{cmd} == Net::SMPP::CMD_enquire_link) {
        $r{enquire_links_received}++;
        $smpp->enquire_link_resp(seq => $pdu->{seq});
        next;
    }
    if ($pdu->{cmd} != Net::SMPP::CMD_deliver_sm) {
        push @{$r{unexpected}}, { cmd => $pdu->{cmd}, status => $pdu->{status} };
        next;
    }
    my $rid = $pdu->{receipted_message_id};
    $rid =~ s/\0$// if defined $rid; # C-octet string TLV: the value includes the NUL
    $r{deliver} = {
        source_addr          => $pdu->{source_addr},
        destination_addr     => $pdu->{destination_addr},
        esm_class            => $pdu->{esm_class},
        data_coding          => $pdu->{data_coding},
        short_message        => $pdu->{short_message},
        receipted_message_id => $rid,
        message_state        => defined $pdu->{message_state} ? unpack('C', $pdu->{message_state}) : undef,
    };
    $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
    last;
}

# Second part of a two-part concatenated UCS-2 message: 8-bit reference UDH.
my $udh = pack('C*', 0x05, 0x00, 0x03, 0x2A, 0x02, 0x02);
my $s2 = $smpp->submit_sm(
    source_addr      => 'PerlESME',
    destination_addr => '46701112233',
    esm_class        => 0x40,
    data_coding      => 0x08,
    short_message    => $udh . pack('n*', 0x0420, 0x0430, 0x0437, 0x0020, 0x0032),
) or do { $r{error} = 'submit 2: no response'; finish(2) };
$r{submit2_status} = $s2->{status};
$r{submit2_message_id} = $s2->{message_id};

my $ub = $smpp->unbind() or do { $r{error} = 'unbind: no response'; finish(2) };
$r{unbind_status} = $ub->{status};
$smpp->close;
finish(0);
