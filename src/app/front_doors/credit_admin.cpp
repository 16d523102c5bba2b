#include "app/front_doors/credit_admin.hpp"

#include "util/log.hpp"

namespace twinsms::app {
namespace {

// The profile's credit settings, or the refusal.
std::variant<const config::client_profile*, http::admin_reply> account_of(const node& n, std::string_view client) {
    const auto* c = n.profiles().client(client);
    if (!c) return http::admin_error(404, "unknown_client", "no client profile named '" + std::string{client} + "'");
    if (!c->credit) return http::admin_error(409, "no_credit", "client '" + std::string{client} + "' has no credit in its profile");
    return c;
}

http::credit_state state_of(const config::client_profile& c, std::int64_t balance) {
    return {c.credit->mode == config::credit_settings::kind::count, balance, c.credit->price, c.credit->refund_failures};
}

} // namespace

std::variant<http::credit_state, http::admin_reply> node_credit::credit(std::string_view client) {
    auto a = account_of(node_, client);
    if (auto* r = std::get_if<http::admin_reply>(&a)) return *r;
    const auto& c = *std::get<const config::client_profile*>(a);
    return state_of(c, node_.credit().balance(c.account.system_id));
}

void node_credit::change_credit(std::string_view client, bool set, std::int64_t amount,
                                std::function<void(std::variant<http::credit_state, http::admin_reply>)> done) {
    auto a = account_of(node_, client);
    if (auto* r = std::get_if<http::admin_reply>(&a)) return done(*r);
    const auto& c = *std::get<const config::client_profile*>(a);
    const auto account = c.account.system_id;
    auto& book = node_.credit();
    const auto before = book.balance(account);
    store::write_batch b;
    if (set) book.set(account, amount, b);
    else book.give(account, amount, b);
    node_.message_store().write(std::move(b), executor_, [this, done = std::move(done), name = std::string{client}, account,
                                                          before, set, amount](const store::error_code& ec) {
        auto& book = node_.credit();
        const auto* c = node_.profiles().client(name);
        if (ec) {
            // Nothing stored: memory goes back to what the store holds.
            if (set) {
                store::write_batch none;
                book.set(account, before, none);
            } else {
                book.untake(account, -amount); // give(amount) undone
            }
            log::warn("admin", "credit_store_failed").kv("account", account).kv("error", ec.message());
            return done(http::admin_error(ec == store::store_error::full ? 507 : 500, "store_failed", ec.message()));
        }
        const auto now = book.balance(account);
        log::info("admin", "credit_changed").kv("account", account).kv("before", http::format_amount(before))
            .kv("balance", http::format_amount(now));
        if (!c || !c->credit) return done(http::admin_error(409, "no_credit", "the profile changed meanwhile"));
        done(state_of(*c, now));
    });
}

} // namespace twinsms::app
