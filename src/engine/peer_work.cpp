// The peer's run of this store merged back (message_engine.hpp, merge_peer_work).
#include <memory>

#include "engine/message_engine.hpp"

namespace twinsms::engine {

void message_engine::merge_peer_work(store::merge_plan plan, std::function<void(merged)> done) {
    struct state {
        merged result;
        std::size_t open = 1; // the dispatcher's part
        std::function<void(merged)> done;
        void finish_one() {
            if (--open == 0 && done) std::exchange(done, nullptr)(result);
        }
    };
    auto st = std::make_shared<state>();
    st->done = std::move(done);
    st->open += plan.deliveries.size();
    for (auto& d : plan.deliveries) {
        // Both stores hand out delivery ids above the same records: a new one here.
        d.id = store_.next_delivery_id();
        d.attempts = 0;
        take_delivery(std::move(d), false, [st](const store::error_code& ec) {
            ++(ec ? st->result.delivery_failures : st->result.deliveries);
            st->finish_one();
        });
    }
    dispatcher_.adopt(std::move(plan.messages), std::move(plan.mappings), [st](dispatcher::adoption a) {
        st->result.adopted = a;
        st->finish_one();
    });
}

} // namespace twinsms::engine
