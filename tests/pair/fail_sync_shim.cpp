// Tests only: an LD_PRELOAD shim for a real twinsmsd's disk, with no fault
// hook in the daemon itself.
// - pair_epoch_test: fdatasync and fsync fail with EIO while the file named
//   by TWINSMS_TEST_FAIL_SYNC exists, so LMDB's commits (and with them the
//   cluster epoch's write) fail on demand.
// - netns_chaos_test, a slow disk: while the file named by
//   TWINSMS_TEST_SLOW_SYNC exists, each fdatasync and fsync first waits the
//   milliseconds written in it (this machine has no device to throttle).
#include <dlfcn.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {
int failing() {
    const char* trigger = getenv("TWINSMS_TEST_FAIL_SYNC");
    if (!trigger || access(trigger, F_OK) != 0) {
        // Not failing: maybe slow.
        const char* slow = getenv("TWINSMS_TEST_SLOW_SYNC");
        const int fd = slow ? open(slow, O_RDONLY | O_CLOEXEC) : -1;
        if (fd >= 0) {
            char buf[16] = {};
            const auto n = read(fd, buf, sizeof buf - 1);
            close(fd);
            const long ms = n > 0 ? strtol(buf, nullptr, 10) : 0;
            if (ms > 0) {
                timespec t{ms / 1000, (ms % 1000) * 1000000L};
                while (nanosleep(&t, &t) != 0 && errno == EINTR) {}
            }
        }
        return 0;
    }
    return 1;
}
} // namespace

extern "C" {

int fdatasync(int fd) {
    static int (*real)(int) = nullptr;
    if (failing()) {
        errno = EIO;
        return -1;
    }
    if (!real) real = reinterpret_cast<int (*)(int)>(dlsym(RTLD_NEXT, "fdatasync"));
    return real(fd);
}

int fsync(int fd) {
    static int (*real)(int) = nullptr;
    if (failing()) {
        errno = EIO;
        return -1;
    }
    if (!real) real = reinterpret_cast<int (*)(int)>(dlsym(RTLD_NEXT, "fsync"));
    return real(fd);
}
} // extern "C"
