#pragma once
// A capture of stderr (our logfmt lines), to check what a failure logged:
// the TLS tests and the replication channel's.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>

namespace twinsms::test {

// Everything written to stderr (our logfmt lines) while it lives.
class stderr_capture {
public:
    stderr_capture() : file_{std::filesystem::temp_directory_path() / ("twinsms-tls-stderr-" + std::to_string(::getpid()))} {
        std::fflush(stderr);
        saved_ = ::dup(2);
        const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 2);
        ::close(fd);
    }
    ~stderr_capture() {
        restore();
        std::error_code ec;
        std::filesystem::remove(file_, ec);
    }
    std::string text() const {
        std::fflush(stderr);
        std::ifstream in{file_};
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    // The first line holding every one of `parts`, empty if none.
    std::string line_with(std::initializer_list<std::string_view> parts) const {
        std::istringstream in{text()};
        for (std::string l; std::getline(in, l);) {
            bool all = true;
            for (auto p : parts) all = all && l.find(p) != std::string::npos;
            if (all) return l;
        }
        return {};
    }
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        saved_ = -1;
    }

private:
    std::filesystem::path file_;
    int saved_ = -1;
};

} // namespace twinsms::test
