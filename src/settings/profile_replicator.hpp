#pragma once
// Settings replication's I/O (issue 13): the profile folder and
// profile_sync's decisions wired to the pair's heartbeat. Every
// peer_status this node sends carries its index (so drift shows within a
// keepalive interval) and its answers to the peer's edits; requests carry
// its unanswered edits with the file's text as well. A peer's edit that
// profile_sync lets through is checked with this node's other profiles,
// written with this node's own `state:` (temp file, fsync, rename) and
// applied through the node's reload, like a SIGHUP. A shared profile whose
// file was deleted is removed on the peer the same way (profile_sync's
// `deleted`), once the peer's folder loads without it. Conflicts and
// refusals are logged and handed to the host (alerts). On the node's io thread.
#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "config/replication.hpp"
#include "settings/profile_folder.hpp"
#include "settings/profile_sync.hpp"
#include "settings/settings_wire.hpp"
#include "smpp/codec/tlv.hpp"

namespace twinsms::settings {

class profile_replicator {
public:
    struct host {
        std::function<std::string()> reload;             // re-read the folder and apply it: empty, or why not
        std::function<void(const sync_event&)> on_event; // a conflict or a refusal (alerts)
    };
    struct options {
        std::filesystem::path dir;       // the profile folder
        config::replicated_profiles kinds;
        std::filesystem::path base_file; // the agreed versions, kept across restarts (node-local)
        std::string secret;              // node.cluster.secret
        std::function<clock::time_point()> now = [] { return clock::now(); };
        std::function<std::uint64_t()> wall_us; // edit ids; default the system clock
    };
    profile_replicator(boost::asio::any_io_executor ex, options o, host h);

    // The folder as loaded now (at start, after every reload).
    void on_reloaded();
    // peer_status: what our report adds (edits only in a request), and what the peer's said.
    void extend(smpp::tlv_list& tlvs, bool request);
    void on_report(const smpp::tlv_list& tlvs);

    const profile_sync& state() const noexcept { return sync_; }
    clock::time_point now() const { return opt_.now(); }
    std::uint64_t bad_payloads() const noexcept { return bad_payloads_; }

private:
    void apply(edit_with_text w);
    void after_change();

    boost::asio::any_io_executor executor_;
    options opt_;
    host host_;
    profile_folder folder_;
    profile_sync sync_;
    digest_map saved_base_;
    std::vector<verdict> answers_;       // for the next report we send
    std::deque<std::string> storage_;    // the TLVs of the last reports view these
    std::uint64_t bad_payloads_ = 0;
};

} // namespace twinsms::settings
