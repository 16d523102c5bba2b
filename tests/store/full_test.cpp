#define BOOST_TEST_MODULE store_full
// A tiny map (1 MiB, growth limit 2 MiB) filled until writes fail: the
// store grows first, then refuses with store_error::full, keeps answering
// reads, and takes writes again once a sweep or an erase freed space.
#include <atomic>
#include <thread>

#include "store/store_fixture.hpp"

using namespace store_test;

namespace {

constexpr std::uint64_t mib = 1 << 20;

store_options tiny(const std::filesystem::path& p) {
    auto o = options(p);
    o.map_size = 1 * mib;
    o.max_map_size = 2 * mib;
    return o;
}

// Batches of 8 delivered (final) messages of ~2 KiB (each on its own
// overflow page) or smaller (several to a leaf page) until one fails.
error_code fill(message_store& s, std::vector<message>& written, std::size_t pdu = 2'000) {
    for (int round = 0; round < 10'000; ++round) {
        write_batch b;
        std::vector<message> ms;
        for (int i = 0; i < 8; ++i) {
            ms.push_back(make_message(s.next_message_id(), 1, msg_state::delivered, pdu));
            ms.back().accepted_at = 0; // before it was done (the sweep goes by acceptance)
            add_event(ms.back(), event{1, msg_state::delivered, 0, "DELIVRD"});
            b.put_message(ms.back());
        }
        if (const auto ec = commit(s, std::move(b))) return ec;
        written.insert(written.end(), ms.begin(), ms.end());
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(full_map_refuses_then_recovers_after_sweep) {
    temp_dir dir;
    message_store s{tiny(dir.path())};

    // Reads from another thread all along: map growth must wait for them
    // (and they for it) without deadlock or a bad read.
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> reads{0}, bad_reads{0};
    std::thread reader{[&] {
        while (!stop.load()) {
            const auto m = s.get({1});
            if (m && m->pdu.size() != 2'000) ++bad_reads;
            (void)s.due(1'000'000, 10);
            (void)s.get_stats();
            ++reads;
        }
    }};

    std::vector<message> written;
    const auto ec = fill(s, written);
    BOOST_TEST(ec == make_error_code(store_error::full));
    BOOST_TEST(written.size() > 300u); // about 2 MiB of ~2 KiB messages
    auto st = s.get_stats();
    BOOST_TEST(st.map_growths >= 1u);
    BOOST_TEST(st.map_size >= 2 * mib);
    BOOST_TEST(st.map_size < 2 * mib + mib / 2);
    BOOST_TEST(st.commit_failures >= 1u);
    BOOST_TEST(st.messages == written.size());

    // Still answering reads; later rounds still try (and fail while full).
    BOOST_TEST_REQUIRE(s.get(written.front().id).has_value());
    BOOST_TEST(s.get(written.back().id)->pdu.size() == 2'000u);
    {
        write_batch b; // a tenth of the map: cannot fit
        for (int i = 0; i < 100; ++i) b.put_message(make_message(s.next_message_id(), 1, msg_state::delivered, 2'000));
        BOOST_TEST(commit(s, std::move(b)) == make_error_code(store_error::full));
    }
    BOOST_TEST(s.get_stats().commit_failures > st.commit_failures);

    // Retention sweep frees the space.
    auto sw = s.sweep(0, 2, 100'000);
    BOOST_TEST(!sw.empty());
    BOOST_TEST_REQUIRE(!commit(s, std::move(sw)));
    st = s.get_stats();
    BOOST_TEST(st.messages == 0u);
    BOOST_TEST(st.map_size < 2 * mib + mib / 2); // the reserve was given back

    // And writes go through again, about as many as before.
    std::vector<message> again;
    BOOST_TEST(fill(s, again) == make_error_code(store_error::full));
    BOOST_TEST(again.size() > written.size() / 2);

    stop = true;
    reader.join();
    BOOST_TEST(reads.load() > 0u);
    BOOST_TEST(bad_reads.load() == 0u);
}

BOOST_AUTO_TEST_CASE(erasing_works_on_a_full_map) {
    temp_dir dir;
    std::vector<message> written;
    {
        message_store s{tiny(dir.path())};
        BOOST_TEST_REQUIRE(fill(s, written) == make_error_code(store_error::full));
        // Erase a tenth, spread over the whole table (many pages touched).
        write_batch b;
        for (std::size_t i = 0; i < written.size(); i += 10) b.erase_message(written[i]);
        BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
        BOOST_TEST(!s.get(written[0].id).has_value());
        BOOST_TEST(s.get(written[1].id).has_value());
        // A message fits again.
        BOOST_TEST(!put(s, make_message(s.next_message_id(), 5)));
    }
    // A full store reopens, with the same limits.
    message_store s{tiny(dir.path())};
    BOOST_TEST(s.get(written[1].id).has_value());
    BOOST_TEST(s.due(10, 10).size() == 1u);
}

BOOST_AUTO_TEST_CASE(erasing_spread_records_on_a_full_map) {
    // Small records share leaf pages: erasing one in ten of the oldest 40%
    // copies (copy-on-write) more leaves than a full map has free pages.
    // The erase-only reserve beyond the limit lets it through; the map then
    // goes back to the limit or to what is in use, at most limit + reserve.
    temp_dir dir;
    message_store s{tiny(dir.path())};
    std::vector<message> written;
    BOOST_TEST_REQUIRE(fill(s, written, 300) == make_error_code(store_error::full));
    BOOST_TEST(written.size() > 1'000u);
    write_batch b;
    std::size_t erased = 0;
    for (std::size_t i = 0; i < written.size() * 4 / 10; i += 10, ++erased) b.erase_message(written[i]);
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
    const auto st = s.get_stats();
    BOOST_TEST(st.map_reserve_uses == 1u);
    BOOST_TEST(st.map_size <= 3 * mib); // the reserve is max(limit / 8, 1 MiB)
    BOOST_TEST(st.messages == written.size() - erased);
    BOOST_TEST(!put(s, make_message(s.next_message_id(), 5, msg_state::queued, 300)));
}

BOOST_AUTO_TEST_CASE(progress_on_a_full_map_of_small_records) {
    // What a full store's dispatcher writes as it delivers: one batch per
    // message (the rewritten record and an event), thousands in one group
    // commit, spread over every leaf. Together they copy more pages than
    // the reserve holds; split into smaller commits they fit, since each
    // commit frees the pages the next ones reuse. None may fail with full.
    temp_dir dir;
    message_store s{tiny(dir.path())};
    std::vector<message> written;
    BOOST_TEST_REQUIRE(fill(s, written, 300) == make_error_code(store_error::full));
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::size_t sent = 0, done = 0, full = 0;
    for (std::size_t i = 0; i < written.size(); i += 3, ++sent) {
        auto m = written[i];
        m.state = msg_state::expired;
        m.carrier_message_id = "carrier-id-" + std::to_string(i);
        add_event(m, event{2, msg_state::expired, 0, "EXPIRED"});
        write_batch b;
        b.put_message(m, &written[i]);
        s.write(std::move(b), io.get_executor(), [&](const error_code& ec) {
            ++done;
            if (ec == make_error_code(store_error::full)) ++full;
            if (done == sent) work.reset();
        });
    }
    io.run();
    s.flush();
    BOOST_TEST(done == sent);
    BOOST_TEST(full == 0u);
    BOOST_TEST(s.get(written[3].id)->state == msg_state::expired);
    BOOST_TEST(s.get_stats().map_size <= 3 * mib);
}
