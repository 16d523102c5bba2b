#include "app/front_doors/opt_out_admin.hpp"

#include <boost/json/object.hpp>

#include "route/opt_out_rules.hpp"
#include "util/log.hpp"

namespace twinsms::app {

std::string node_opt_outs::number_of(const std::string& system_id, std::string_view written) const {
    // The list holds the routed form where the profiles have numbering, so
    // "07700 900123" from an operator meets "447700900123" from an MO.
    const auto& ar = node_.dispatch().routes().addresses();
    if (ar.empty()) return route::opt_out_number(written);
    return route::opt_out_number(ar.from_client(system_id, written, 0, 0).addr);
}

std::optional<std::vector<http::opt_out_item>> node_opt_outs::opt_outs(std::string_view client, std::string_view after,
                                                                       std::size_t max) {
    const auto* c = node_.profiles().client(client);
    if (!c) return std::nullopt;
    std::vector<http::opt_out_item> out;
    const auto from = after.empty() ? std::string{} : number_of(c->account.system_id, after);
    for (auto& e : node_.message_store().opt_outs(c->account.system_id, from, max))
        out.push_back({std::move(e.number), e.at, std::move(e.via)});
    return out;
}

void node_opt_outs::change_opt_outs(std::string_view client, std::vector<std::string> add,
                                    std::vector<std::string> remove, std::function<void(http::admin_reply)> done) {
    const auto* c = node_.profiles().client(client);
    if (!c) return done(http::admin_error(404, "unknown_client", "no client profile named '" + std::string{client} + "'"));
    const auto& system_id = c->account.system_id;
    store::write_batch b;
    const auto now = node_.clock()();
    for (const auto& n : add) {
        auto number = number_of(system_id, n);
        if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos)
            return done(http::admin_error(400, "bad_request", "'" + n + "' is not a phone number"));
        // An existing entry keeps its time and origin (an import of a list
        // that holds it again changes nothing).
        if (!node_.message_store().opted_out(system_id, number)) b.put_opt_out({system_id, std::move(number), now, "admin"});
    }
    const auto added = b.ops().size(), removed = remove.size();
    for (const auto& n : remove) b.erase_opt_out(system_id, number_of(system_id, n));
    if (b.empty()) return done({200, boost::json::object{{"result", "ok"}, {"added", 0}, {"removed", 0}}});
    node_.message_store().write(std::move(b), executor_, [done = std::move(done), system_id, added, removed](const store::error_code& ec) {
        if (ec) {
            log::warn("admin", "opt_out_store_failed").kv("account", system_id).kv("error", ec.message());
            return done(http::admin_error(ec == store::store_error::full ? 507 : 500, "store_failed", ec.message()));
        }
        log::info("admin", "opt_out_changed").kv("account", system_id).kv("added", added).kv("removed", removed);
        done({200, boost::json::object{{"result", "ok"}, {"added", added}, {"removed", removed}}});
    });
}

} // namespace twinsms::app
