// message_store: opening the environment, ids, the write queue, close.
// The writer thread is in store_writer.cpp, the reads in store_reads.cpp.
#include <system_error>

#include <boost/asio/post.hpp>

#include <cstdio>
#include <string_view>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {
namespace {

[[noreturn]] void fail_open(const std::filesystem::path& path, const char* what, int rc) {
    // LMDB codes are errno values or its own negative MDB_* codes.
    throw std::system_error(rc > 0 ? rc : EIO, std::generic_category(),
                            "store " + path.string() + ": " + what + ": " + lmdb::describe(rc));
}

std::string be64_value(std::uint64_t v) {
    std::string s;
    append_be64(s, v);
    return s;
}

// The meta value `key` (a be64), or `fallback` when absent.
int read_meta(lmdb::txn& t, MDB_dbi meta, const char* key, std::uint64_t fallback, std::uint64_t& out) {
    std::string_view v;
    const int rc = t.get(meta, key, v);
    if (rc == MDB_NOTFOUND) {
        out = fallback;
        return MDB_SUCCESS;
    }
    if (rc != MDB_SUCCESS) return rc;
    if (v.size() != 8 || !read_be64(v, 0, out)) return MDB_CORRUPTED;
    return MDB_SUCCESS;
}

} // namespace

message_store::impl::impl(store_options o) : opt{std::move(o)} {
    max_map = opt.max_map_size ? opt.max_map_size : opt.map_size * 16;
    if (max_map < opt.map_size) max_map = opt.map_size;

    std::error_code ec;
    std::filesystem::create_directories(opt.path, ec);
    if (ec) throw std::system_error(ec, "store " + opt.path.string() + ": cannot create the directory");

    if (int rc = mdb_env_create(&env)) fail_open(opt.path, "mdb_env_create", rc);
    try {
        if (int rc = mdb_env_set_maxdbs(env, table_count)) fail_open(opt.path, "mdb_env_set_maxdbs", rc);
        if (int rc = mdb_env_set_mapsize(env, opt.map_size)) fail_open(opt.path, "mdb_env_set_mapsize", rc);
        // MDB_NOTLS: read transactions are not tied to the thread that began them.
        // Store sync: MDB_NOMETASYNC, the syncer thread syncs the meta page
        // (store_impl.hpp: completions).
        const unsigned flags = MDB_NOTLS | (opt.sync ? MDB_NOMETASYNC : MDB_NOSYNC);
        if (int rc = mdb_env_open(env, opt.path.c_str(), flags, 0640)) fail_open(opt.path, "mdb_env_open", rc);
        max_key = static_cast<std::size_t>(mdb_env_get_maxkeysize(env));

        // Tables, schema check and the first id reservations in one
        // transaction; an existing store at its map size may need room.
        for (;;) {
            lmdb::txn t;
            int rc = t.begin(env, 0);
            if (rc) fail_open(opt.path, "begin", rc);
            for (std::size_t i = 0; i < table_count && !rc; ++i)
                rc = mdb_dbi_open(t.get(), table_names[i], MDB_CREATE, &dbi[i]);
            if (rc) fail_open(opt.path, "mdb_dbi_open", rc);

            const MDB_dbi meta = of(table::meta);
            std::uint64_t version = 0, next_msg = 1, next_dlv = 1, seq = 0;
            if ((rc = read_meta(t, meta, "schema_version", schema_version, version)) ||
                (rc = read_meta(t, meta, message_ids.meta_key, 1, next_msg)) ||
                (rc = read_meta(t, meta, delivery_ids.meta_key, 1, next_dlv)) ||
                (rc = read_meta(t, meta, "last_commit_seq", 0, seq)))
                fail_open(opt.path, "reading meta", rc);
            if (version == 1) {
                // The tables as opened here stay open for the upgrade.
                if ((rc = t.commit())) fail_open(opt.path, "opening the tables", rc);
                rc = upgrade_from_1();
                if (rc == MDB_MAP_FULL) {
                    MDB_envinfo info;
                    mdb_env_info(env, &info);
                    if (info.me_mapsize >= max_map) fail_open(opt.path, "upgrading schema 1 to 2 (raise max_map_size)", rc);
                    if ((rc = mdb_env_set_mapsize(env, std::min<std::uint64_t>(max_map, info.me_mapsize * 2))))
                        fail_open(opt.path, "mdb_env_set_mapsize", rc);
                    continue; // goes on where it stopped
                }
                if (rc) fail_open(opt.path, "upgrading schema 1 to 2", rc);
                continue;
            }
            if (version != schema_version)
                throw std::system_error(EINVAL, std::generic_category(),
                                        "store " + opt.path.string() + ": schema version " +
                                            std::to_string(version) + ", this build reads " +
                                            std::to_string(schema_version) + " (and upgrades 1)");
            // Start at the persisted bound: ids below it may have been
            // handed out before a crash.
            next_msg = std::max(next_msg, opt.message_id_base);
            // And above every id the records hold: a replica's records come
            // from its peer's stream, whose id reservations are not ops.
            if ((rc = raise_above_records(t, next_msg, next_dlv))) fail_open(opt.path, "reading ids", rc);
            message_ids.next = next_msg;
            message_ids.reserved = next_msg;
            delivery_ids.next = next_dlv;
            delivery_ids.reserved = next_dlv;
            last_commit_seq = seq;

            std::uint64_t msg_bound = 0, dlv_bound = 0;
            if (!(rc = t.put(meta, "schema_version", be64_value(schema_version))) &&
                !(rc = reserve_ids(t, message_ids, true, msg_bound)) &&
                !(rc = reserve_ids(t, delivery_ids, true, dlv_bound)))
                rc = t.commit();
            if (rc == MDB_MAP_FULL) {
                t.abort();
                MDB_envinfo info;
                mdb_env_info(env, &info);
                if (info.me_mapsize >= max_map) fail_open(opt.path, "opening", rc);
                if ((rc = mdb_env_set_mapsize(env, std::min<std::uint64_t>(max_map, info.me_mapsize * 2))))
                    fail_open(opt.path, "mdb_env_set_mapsize", rc);
                continue;
            }
            if (rc) fail_open(opt.path, "writing meta", rc);
            message_ids.reserved = msg_bound;
            delivery_ids.reserved = dlv_bound;
            break;
        }
    } catch (...) {
        mdb_env_close(env);
        throw;
    }
    syncer = std::thread{[this] { run_syncer(); }};
    writer = std::thread{[this] { run_writer(); }};
    log::info("store", "opened")
        .kv("path", opt.path.string())
        .kv("next_message_id", message_ids.next.load())
        .kv("last_commit_seq", last_commit_seq.load())
        .kv("sync", opt.sync ? "true" : "false");
}

message_store::impl::~impl() {
    {
        std::lock_guard lk{mutex};
        stopping = true;
    }
    wake.notify_all();
    id_cv.notify_all();
    if (writer.joinable()) writer.join();
    {
        std::lock_guard lk{sync_mutex};
        sync_stopping = true; // after the writer's last job
    }
    sync_wake.notify_all();
    if (syncer.joinable()) syncer.join();
    if (!opt.sync) mdb_env_sync(env, 1);
    mdb_env_close(env);
}

int message_store::impl::reserve_ids(lmdb::txn& t, id_sequence& s, bool force, std::uint64_t& bound) {
    bound = 0;
    const auto next = s.next.load();
    const auto reserved = s.reserved.load();
    // Committed ids are covered either way: a batch got its ids before it
    // was queued, so they are below `next` read here.
    if (!force && next + id_block / 2 < reserved) return MDB_SUCCESS;
    const auto target = std::max(next, reserved) + id_block;
    const int rc = t.put(of(table::meta), s.meta_key, be64_value(target));
    if (rc == MDB_SUCCESS) bound = target;
    return rc;
}

void message_store::impl::publish_reservation(id_sequence& s, std::uint64_t bound) {
    if (!bound) return;
    s.reserved.store(bound);
    // Through the mutex, so a caller between its check and its wait sees it.
    { std::lock_guard lk{mutex}; }
    id_cv.notify_all();
}

std::uint64_t message_store::impl::take_id(id_sequence& s) {
    const auto v = s.next.fetch_add(1);
    const auto bound = s.reserved.load();
    if (v + id_block / 2 < bound) return v;
    if (!reserve_requested.exchange(true)) {
        std::lock_guard lk{mutex};
        wake.notify_one();
    }
    // Past the bound: wait for the writer to persist one (about one commit).
    // Not on the writer thread itself (a change_sink), and not when the
    // reservation cannot be written: a batch carrying this id still gets
    // it persisted by the round that commits it (reserve_ids).
    if (v < bound || on_writer_thread()) return v;
    std::unique_lock lk{mutex};
    id_cv.wait(lk, [&] { return v < s.reserved.load() || stopping || reserve_failed.load(); });
    return v;
}

message_store::message_store(store_options opt) : impl_{std::make_unique<impl>(std::move(opt))} {
    impl_->seed_queued(); // before any write: nobody has the store yet
}
message_store::~message_store() = default;

message_id message_store::next_message_id() { return {impl_->take_id(impl_->message_ids)}; }
delivery_id message_store::next_delivery_id() { return {impl_->take_id(impl_->delivery_ids)}; }

void message_store::write(write_batch b, boost::asio::any_io_executor ex, done_fn done) {
    auto& s = *impl_;
    {
        std::lock_guard lk{s.mutex};
        if (!s.stopping) {
            s.queue.push_back({std::move(b), std::move(ex), std::move(done), s.next_ticket++});
            s.wake.notify_one();
            return;
        }
    }
    if (done) boost::asio::post(ex, [done = std::move(done)] { done(make_error_code(store_error::closed)); });
}

void message_store::flush() {
    auto& s = *impl_;
    if (s.on_writer_thread()) return; // would wait for itself
    {
        std::unique_lock lk{s.mutex};
        const auto target = s.next_ticket;
        s.flushed.wait(lk, [&] { return s.done_ticket >= target; });
    }
    // Async mode: flush() is also a durability point (shutdown).
    if (!s.opt.sync) mdb_env_sync(s.env, 1);
}

void message_store::set_change_sink(change_sink sink) {
    std::lock_guard lk{impl_->sink_mutex};
    impl_->sink = std::move(sink);
}

int message_store::impl::raise_above_records(lmdb::txn& t, std::uint64_t& next_msg, std::uint64_t& next_dlv) {
    lmdb::cursor m;
    int rc = m.open(t, of(table::messages));
    if (!rc && (rc = m.last()) == MDB_SUCCESS) {
        std::uint64_t id = 0;
        if (read_be64(m.key(), 0, id)) next_msg = std::max(next_msg, id + 1);
    }
    if (rc && rc != MDB_NOTFOUND) return rc;
    // Deliveries are keyed by account first: every key is read (a queue of
    // deliveries, small next to the messages).
    lmdb::cursor d;
    if ((rc = d.open(t, of(table::deliveries)))) return rc;
    for (rc = d.first(); rc == MDB_SUCCESS; rc = d.next()) {
        std::uint64_t id = 0;
        const auto k = d.key();
        if (k.size() >= 8 && read_be64(k, k.size() - 8, id)) next_dlv = std::max(next_dlv, id + 1);
    }
    return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

error_code message_store::copy_to(const std::filesystem::path& path) const {
    std::shared_lock lk{impl_->map_mutex};
    std::error_code fec;
    std::filesystem::remove(path, fec);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return make_error_code(store_error::io);
    int rc = mdb_env_copyfd2(impl_->env, fd, MDB_CP_COMPACT);
    if (!rc && ::fsync(fd) != 0) rc = errno;
    ::close(fd);
    if (rc) {
        log::warn("store", "copy_failed").kv("path", path.string()).kv("error", mdb_strerror(rc));
        return make_error_code(rc == ENOSPC || rc == MDB_MAP_FULL ? store_error::full : store_error::io);
    }
    return {};
}

void message_store::release_mapped_pages() const {
    // LMDB does not expose where it mapped the file (me_mapaddr is only set
    // for MDB_FIXEDMAP), so find data.mdb's mapping in /proc/self/maps.
    // Shared lock: a map growth (exclusive) must not move the map meanwhile.
    std::shared_lock lk{impl_->map_mutex};
    const char* dir = nullptr;
    if (mdb_env_get_path(impl_->env, &dir) != MDB_SUCCESS || !dir) return;
    const std::string file = std::string{dir} + "/data.mdb";
    std::FILE* maps = std::fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[4096];
    while (std::fgets(line, sizeof line, maps)) {
        std::string_view l{line};
        if (l.size() < file.size() + 1 || l.find(file) == std::string_view::npos) continue;
        unsigned long from = 0, to = 0;
        if (std::sscanf(line, "%lx-%lx", &from, &to) != 2 || to <= from) continue;
        // MADV_DONTNEED on a shared file mapping only drops our page table
        // entries; the next access faults the same page back from the cache.
        ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
    }
    std::fclose(maps);
}

} // namespace twinsms::store
