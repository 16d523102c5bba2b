// Tests only (pair_epoch_test): an LD_PRELOAD shim that makes fdatasync and
// fsync fail with EIO while the file named by TWINSMS_TEST_FAIL_SYNC exists,
// so LMDB's commits (and with them the cluster epoch's write) fail on demand
// in a real twinsmsd, with no fault hook in the daemon itself.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {
int failing() {
    const char* trigger = getenv("TWINSMS_TEST_FAIL_SYNC");
    return trigger && access(trigger, F_OK) == 0;
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
