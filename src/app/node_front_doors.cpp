// Part of class node (node.hpp): wiring the front doors the node owns to
// its engine: the webhook sinks and the SMTP listener.
//
// Clients whose MO and receipts go to a webhook (client.webhook): one sink
// per client this node serves now, rebuilt whenever what it serves changes.
#include "app/front_doors/smtp_gateway.hpp"
#include "app/node.hpp"

namespace twinsms::app {

void node::refresh_webhooks() {
    if (stopping_) return;
    std::map<std::string, std::shared_ptr<webhook_sink>, std::less<>> next;
    for (const auto& c : profiles_.clients) {
        // A client served by the other node gets its deliveries there (the
        // peer link carries them), so only served clients have a sink here.
        if (!c.webhook || !serves(c)) continue;
        const auto& id = c.account.system_id;
        auto it = webhooks_.find(id);
        if (it != webhooks_.end() && it->second->settings() == *c.webhook) next.emplace(id, it->second);
        else next.emplace(id, std::make_shared<webhook_sink>(id, *c.webhook, *poster_, now_));
    }
    webhooks_.swap(next);
    // What the store holds for them goes out now, as for a client that binds.
    for (const auto& [id, s] : webhooks_) engine_->deliveries().on_bound(id);
}

std::shared_ptr<delivery_sink> node::sink_of(std::string_view system_id) const {
    if (const auto it = webhooks_.find(system_id); it != webhooks_.end()) return it->second;
    // A client this node does not serve now, while the peer link is up: its
    // deliveries go to the other node (which refuses them unless it serves
    // the client or is handing it to us). Not one the peer is handing to us
    // (takes_handoff), nor the peer account itself: its are the link's own.
    if (!handoff_) return nullptr;
    const auto* c = client_of(system_id);
    if (!c || c->peer || takes_handoff(*c) || !peer_link_bound()) return nullptr;
    return handoff_;
}

// node.hpp: the node's SMTP listener, when node.yaml has an smtp section.
void node::start_smtp() {
    if (!profiles_.node.smtp) return;
    smtp_gateway::host h;
    h.serves = [this](std::string_view client) {
        const auto* c = profiles_.client(client);
        return c && serves(*c);
    };
    h.routable = [this](std::string_view client, std::string_view source, std::string_view number) {
        const auto& ar = routes_->addresses();
        const auto* c = profiles_.client(client);
        if (ar.empty() || !c) return routes_->match({client, source, number, {}}) != nullptr;
        const auto src = ar.from_client(c->account.system_id, source, 0, 0);
        const auto dst = ar.from_client(c->account.system_id, number, 0, 0);
        return routes_->match({client, src.addr, dst.addr, {}}) != nullptr;
    };
    h.guard = guard_;
    smtp_ = std::make_unique<smtp_gateway>(io_.get_executor(), profiles_, engine_->submissions(), std::move(h));
    smtp_->start();
}

} // namespace twinsms::app
