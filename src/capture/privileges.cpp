#include "capture/privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace netdx {

namespace {

// capset(2) directly: clearing the sets needs nothing libcap adds.
bool clear_capabilities() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    return syscall(SYS_capset, &hdr, data) == 0;
}

}  // namespace

std::string drop_privileges(const std::string& user) {
    if (user == "root" && geteuid() == 0) return {};
    if (!user.empty()) {
        errno = 0;
        const passwd* pw = getpwnam(user.c_str());
        if (!pw) return fmt::format("-Z {}: no such user", user);
        if (geteuid() != 0) return fmt::format("-Z {}: only root can switch to another user", user);
        // Groups first: after setuid there is no right left to change them.
        if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
            return fmt::format("-Z {}: cannot switch user: {}", user, std::strerror(errno));
        if (pw->pw_uid != 0 && setuid(0) == 0) return fmt::format("-Z {}: root could be regained", user);
    }
    // Root asked to stay root (the callers that switch by default pass a user).
    if (user.empty() && geteuid() == 0) return {};
    // Also for a binary with file capabilities run by an ordinary user.
    prctl(PR_SET_KEEPCAPS, 0);
    if (!clear_capabilities()) return fmt::format("cannot drop capabilities: {}", std::strerror(errno));
    return {};
}

namespace {
bool takes_default(const std::string& z_option) { return z_option.empty() && geteuid() == 0; }
}  // namespace

std::string relinquish_after_open(const std::string& z_option) {
    const bool by_default = takes_default(z_option);
    std::string err = drop_privileges(by_default ? std::string(kDefaultCaptureUser) : z_option);
    if (!err.empty() && by_default) err += " (give -Z root to stay root)";
    return err;
}

std::string explain_write_error(std::string error, const std::string& z_option) {
    // Checked before the switch would be too late to matter: the uid is what it is now.
    if (z_option.empty() && getuid() != 0 && error.find("Permission denied") != std::string::npos)
        error += fmt::format(" (netdx runs as {} once the interface is open, as tcpdump does: write where {} may, "
                             "or give -Z root)",
                             kDefaultCaptureUser, kDefaultCaptureUser);
    return error;
}

}  // namespace netdx
