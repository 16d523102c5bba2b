#include "cluster/serve_gate.hpp"

namespace twinsms::cluster {

serving gate(serving s, const std::optional<serving>& applied, const gate_inputs& in) {
    if (in.witness) s.guarded_carriers = in.key_held;
    if (!in.epoch_committed) {
        serving was = applied.value_or(serving{});
        if (!applied) was.guarded_carriers = false;
        s.home_clients = s.home_clients && was.home_clients;
        s.home_carriers = s.home_carriers && was.home_carriers;
        s.peer_profiles = s.peer_profiles && was.peer_profiles;
        s.overflow = s.overflow && was.overflow;
        s.guarded_carriers = s.guarded_carriers && was.guarded_carriers;
    }
    return s;
}

} // namespace twinsms::cluster
