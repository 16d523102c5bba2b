#include "load_options.hpp"

#include <charconv>
#include <string_view>

namespace twinsms::load {
namespace {

template <class T> bool number(std::string_view s, T& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

} // namespace

std::string load_usage() {
    return "usage: twinsms-load [options]\n"
           "  --host H                 SMPP server (default 127.0.0.1)\n"
           "  --port P                 (default 2775)\n"
           "  --system-id ID --password PW\n"
           "  --binds N                sessions (default 1)\n"
           "  --window W               outstanding submit_sm per bind (default 100)\n"
           "  --rate R                 msg/s offered over all binds, 0 = as fast as the windows allow (default 0)\n"
           "  --duration S             seconds of sending (default 5)\n"
           "  --count N                send N messages in total instead of for a duration\n"
           "  --registered-delivery N  registered_delivery of each submit_sm, 1 asks for receipts (default 0)\n"
           "  --bind-type tx|trx       trx (default) receives the receipts on the same binds; tx gets none\n"
           "  --receipt-wait S         after sending, wait up to S s for the receipts still due\n"
           "                           (default 10 with receipts asked for, else 0)\n"
           "  --connect-wait S         retry a failed connect every 10 ms for up to S s (default 0)\n"
           "  --from A --to B --text T source, destination and text of every message\n"
           "Output: figures, then `name: value unit` headline lines (load_throughput: ... msg/s, ...).\n"
           "Exit 0 when every bind succeeded and at least one submit_sm was answered ESME_ROK.\n";
}

std::optional<load_options> parse_load_options(int argc, char** argv, std::string& err) {
    load_options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            o.help = true;
            continue;
        }
        if (i + 1 >= argc) {
            err = "missing value for " + std::string{a} + " (or unknown option)";
            return std::nullopt;
        }
        const std::string_view v = argv[++i];
        bool ok = true;
        unsigned rd = 0;
        if (a == "--host") o.host = v;
        else if (a == "--port") o.port = v;
        else if (a == "--system-id") o.system_id = v;
        else if (a == "--password") o.password = v;
        else if (a == "--binds") ok = number(v, o.binds) && o.binds > 0;
        else if (a == "--window") ok = number(v, o.window) && o.window > 0;
        else if (a == "--rate") ok = number(v, o.rate) && o.rate >= 0;
        else if (a == "--duration") ok = number(v, o.duration_s) && o.duration_s > 0;
        else if (a == "--count") ok = number(v, o.count);
        else if (a == "--registered-delivery") ok = number(v, rd) && rd <= 0xFF, o.registered_delivery = rd;
        else if (a == "--receipt-wait") ok = number(v, o.receipt_wait_s) && o.receipt_wait_s >= 0;
        else if (a == "--connect-wait") ok = number(v, o.connect_wait_s) && o.connect_wait_s >= 0;
        else if (a == "--from") o.from = v;
        else if (a == "--to") o.to = v;
        else if (a == "--text") o.text = v;
        else if (a == "--bind-type") {
            if (v == "tx") o.bind = bind_kind::transmitter;
            else if (v == "trx") o.bind = bind_kind::transceiver;
            else ok = false;
        } else {
            err = "unknown option " + std::string{a};
            return std::nullopt;
        }
        if (!ok) {
            err = "bad value '" + std::string{v} + "' for " + std::string{a};
            return std::nullopt;
        }
    }
    if (o.receipt_wait_s < 0) o.receipt_wait_s = (o.registered_delivery & 0x03) ? 10 : 0;
    return o;
}

} // namespace twinsms::load
