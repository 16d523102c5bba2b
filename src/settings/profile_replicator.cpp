#include "settings/profile_replicator.hpp"

#include <boost/asio/post.hpp>

#include "util/log.hpp"

namespace twinsms::settings {
namespace {

std::uint64_t system_us() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::string short_digest(const std::string& d) { return d.substr(0, 12); }

} // namespace

profile_replicator::profile_replicator(boost::asio::any_io_executor ex, options o, host h)
    : executor_{std::move(ex)}, opt_{std::move(o)}, host_{std::move(h)}, folder_{opt_.dir, opt_.kinds},
      sync_{load_base(opt_.base_file)} {
    if (!opt_.wall_us) opt_.wall_us = system_us;
    saved_base_ = sync_.base();
}

void profile_replicator::on_reloaded() {
    auto now_here = folder_.scan();
    // Left out of the scan but still there (it stopped parsing, or became
    // the peer link): not a removal, whatever it is now; the peer keeps its copy.
    for (const auto* known : {&sync_.local(), &sync_.base()})
        for (const auto& [p, d] : *known)
            if (!now_here.contains(p) && folder_.read(p)) now_here.emplace(p, d);
    sync_.on_local(now_here, opt_.now(), opt_.wall_us());
    for (const auto& e : sync_.pending())
        log::info("settings", "profile_edit_pending").kv("profile", e.profile).kv("digest", short_digest(e.digest))
            .kv("base", e.base.empty() ? "none" : short_digest(e.base));
    after_change();
}

void profile_replicator::extend(smpp::tlv_list& tlvs, bool request) {
    payload p;
    p.index = sync_.local();
    p.verdicts = std::move(answers_);
    answers_.clear();
    if (request)
        for (auto& e : sync_.pending()) {
            if (e.digest == deleted) { // a removal carries no text
                if (!folder_.read(e.profile)) p.edits.push_back({std::move(e), {}});
                continue;
            }
            // The file as it is now; one edited again since is sent after its reload.
            auto text = folder_.read(e.profile);
            if (!text) continue;
            try {
                if (profile_digest(*text, root_of(e.profile)) != e.digest) continue;
            } catch (const std::exception&) {
                continue;
            }
            p.edits.push_back({std::move(e), std::move(*text)});
        }
    std::size_t sent = 0;
    auto bytes = encode(p, sent);
    storage_.emplace_back();
    if (storage_.size() > 8) storage_.pop_front();
    if (!attach(tlvs, std::move(bytes), opt_.secret, storage_.back())) return;
    sync_.note_sent(sent);
}

void profile_replicator::on_report(const smpp::tlv_list& tlvs) {
    std::string why;
    auto p = extract(tlvs, opt_.secret, why);
    if (!p) {
        if (!why.empty()) {
            ++bad_payloads_;
            log::warn("settings", "payload_refused").kv("why", why);
        }
        return;
    }
    const auto now = opt_.now();
    for (const auto& v : p->verdicts) sync_.on_verdict(v, now);
    sync_.on_peer_index(p->index, now);
    for (auto& w : p->edits) {
        auto d = sync_.on_peer_edit(w.e, now);
        if (d.what == profile_sync::action::answer) {
            if (d.answer.result != outcome::accepted)
                log::warn("settings", "profile_edit_refused").kv("profile", w.e.profile)
                    .kv("result", to_string(d.answer.result)).kv("why", d.answer.detail);
            answers_.push_back(std::move(d.answer));
        } else if (d.what == profile_sync::action::apply) {
            // Off the report's call stack: the reload reconfigures what is serving.
            boost::asio::post(executor_, [this, w = std::move(w)]() mutable { apply(std::move(w)); });
        }
    }
    after_change();
}

void profile_replicator::apply(edit_with_text w) {
    const auto now = opt_.now();
    const auto root = root_of(w.e.profile);
    std::string why, text;
    try {
        const auto ours = folder_.read(w.e.profile);
        if (!ours) throw std::runtime_error{"the profile is gone here"};
        const auto held = sync_.local().find(w.e.profile);
        if (held == sync_.local().end()) throw std::runtime_error{"no such profile here"};
        // Edited here since the decision (a reload in between): never overwrite that.
        if (profile_digest(*ours, root) != held->second)
            throw std::runtime_error{"the profile changed here meanwhile; it is sent to the peer after its reload"};
        if (w.e.digest == deleted) {
            why = folder_.remove(w.e.profile);
        } else {
            text = with_state(w.text, root, state_of(*ours, root)); // our state:, their everything else
            if (profile_digest(text, root) != w.e.digest) throw std::runtime_error{"the text does not match its digest"};
            why = folder_.replace(w.e.profile, text);
        }
    } catch (const std::exception& e) {
        why = e.what();
    }
    if (!why.empty()) {
        log::warn("settings", "profile_edit_refused").kv("profile", w.e.profile).kv("result", "invalid").kv("why", why);
        answers_.push_back(sync_.refused(w.e, why, now));
        after_change();
        return;
    }
    answers_.push_back(sync_.applied(w.e, now));
    if (w.e.digest == deleted) log::info("settings", "profile_removed_by_peer").kv("profile", w.e.profile);
    else log::info("settings", "profile_replicated").kv("profile", w.e.profile).kv("digest", short_digest(w.e.digest))
        .kv("state_kept", state_of(text, root).value_or("(default)"));
    after_change();
    if (host_.reload)
        if (auto err = host_.reload(); !err.empty())
            log::error("settings", "reload_after_replication_failed").kv("profile", w.e.profile).kv("error", err);
}

void profile_replicator::after_change() {
    for (const auto& e : sync_.take_events()) {
        log::warn("settings", e.result == outcome::conflict ? "profile_conflict" : "profile_refused")
            .kv("profile", e.profile).kv("detail", e.detail);
        if (host_.on_event) host_.on_event(e);
    }
    if (sync_.base() != saved_base_) {
        if (save_base(opt_.base_file, sync_.base())) saved_base_ = sync_.base();
        else log::warn("settings", "base_not_saved").kv("file", opt_.base_file.string());
    }
}

} // namespace twinsms::settings
