#pragma once
// A thin RAII layer over the LMDB C API: handles that clean up on every
// exit path, and string_view <-> MDB_val. Errors stay LMDB return codes
// (no exceptions): the writer thread must never throw, and the callers
// decide what a code means (MDB_MAP_FULL: grow; MDB_NOTFOUND: absent).
#include <lmdb.h>

#include <string>
#include <string_view>
#include <utility>

namespace twinsms::store::lmdb {

inline MDB_val val(std::string_view s) noexcept { return {s.size(), const_cast<char*>(s.data())}; }
inline std::string_view view(const MDB_val& v) noexcept { return {static_cast<const char*>(v.mv_data), v.mv_size}; }
inline std::string describe(int rc) { return mdb_strerror(rc); }

// A transaction, aborted on destruction unless committed.
class txn {
public:
    txn() = default;
    ~txn() { abort(); }
    txn(txn&& o) noexcept : t_{std::exchange(o.t_, nullptr)} {}
    txn& operator=(txn&& o) noexcept {
        if (this != &o) {
            abort();
            t_ = std::exchange(o.t_, nullptr);
        }
        return *this;
    }

    int begin(MDB_env* env, unsigned flags) noexcept {
        abort();
        return mdb_txn_begin(env, nullptr, flags, &t_);
    }
    int commit() noexcept {
        // mdb_txn_commit frees the handle even when it fails.
        const int rc = mdb_txn_commit(t_);
        t_ = nullptr;
        return rc;
    }
    void abort() noexcept {
        if (t_) mdb_txn_abort(std::exchange(t_, nullptr));
    }
    MDB_txn* get() const noexcept { return t_; }
    explicit operator bool() const noexcept { return t_ != nullptr; }

    // MDB_NOTFOUND leaves `out` empty.
    int get(MDB_dbi dbi, std::string_view key, std::string_view& out) const noexcept {
        MDB_val k = val(key), v{};
        const int rc = mdb_get(t_, dbi, &k, &v);
        out = rc == MDB_SUCCESS ? view(v) : std::string_view{};
        return rc;
    }
    int put(MDB_dbi dbi, std::string_view key, std::string_view value) noexcept {
        MDB_val k = val(key), v = val(value);
        return mdb_put(t_, dbi, &k, &v, 0);
    }
    int del(MDB_dbi dbi, std::string_view key) noexcept {
        MDB_val k = val(key);
        return mdb_del(t_, dbi, &k, nullptr);
    }

private:
    MDB_txn* t_ = nullptr;
};

// A cursor, closed on destruction (before its transaction ends).
class cursor {
public:
    cursor() = default;
    ~cursor() {
        if (c_) mdb_cursor_close(c_);
    }
    cursor(const cursor&) = delete;
    cursor& operator=(const cursor&) = delete;

    int open(const txn& t, MDB_dbi dbi) noexcept { return mdb_cursor_open(t.get(), dbi, &c_); }

    // Positions on the first key >= `key`; MDB_NOTFOUND past the end.
    int seek(std::string_view key) noexcept {
        key_ = val(key);
        return mdb_cursor_get(c_, &key_, &value_, MDB_SET_RANGE);
    }
    int first() noexcept { return mdb_cursor_get(c_, &key_, &value_, MDB_FIRST); }
    int next() noexcept { return mdb_cursor_get(c_, &key_, &value_, MDB_NEXT); }
    int last() noexcept { return mdb_cursor_get(c_, &key_, &value_, MDB_LAST); }
    int prev() noexcept { return mdb_cursor_get(c_, &key_, &value_, MDB_PREV); }

    std::string_view key() const noexcept { return view(key_); }
    std::string_view value() const noexcept { return view(value_); }

private:
    MDB_cursor* c_ = nullptr;
    MDB_val key_{}, value_{};
};

} // namespace twinsms::store::lmdb
