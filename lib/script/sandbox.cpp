#include "script/sandbox.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <ctime>

namespace ordo::script {

namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#else
#error "the script sandbox knows the seccomp architecture of x86_64 and aarch64 only"
#endif

// What a script's interpreter needs: its pipe, memory, the clock, and ending itself.
// Everything else (open, socket, fork, exec ...) kills the child.
constexpr long kAllowed[] = {
    SYS_read,   SYS_write,  SYS_exit,     SYS_exit_group, SYS_rt_sigreturn, SYS_brk,           SYS_mmap,
    SYS_munmap, SYS_mremap, SYS_mprotect, SYS_madvise,    SYS_futex,        SYS_clock_gettime, SYS_gettimeofday,
    SYS_sigaltstack,  // asked (not changed) by sanitizers when a longjmp or throw leaves a frame
#ifdef SYS_time
    SYS_time,
#endif
};

bool confine() {
  constexpr std::size_t n = sizeof kAllowed / sizeof kAllowed[0];
  sock_filter filter[4 + 2 * n + 1];
  std::size_t i = 0;
  filter[i++] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  filter[i++] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0);
  filter[i++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  filter[i++] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
  for (long nr : kAllowed) {
    filter[i++] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1);
    filter[i++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  }
  filter[i++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  sock_fprog program{static_cast<unsigned short>(i), filter};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

// The child ends by the system call itself: _exit and exit are intercepted by sanitizers
// (LeakSanitizer's check at exit reads /proc), which the confinement would kill.
[[noreturn]] void leave(int status) {
  ::syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

SandboxResult notStarted(const char* what) {
  SandboxResult r;
  r.detail = std::string(what) + ": " + std::strerror(errno);
  return r;
}

}  // namespace

void writeAll(int fd, const char* text, std::size_t size) {
  while (size > 0) {
    auto n = ::write(fd, text, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    size -= static_cast<std::size_t>(n);
  }
}

SandboxResult runSandboxed(const std::function<void(int fd)>& body, std::int64_t timeMillis, std::size_t maxOutput) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return notStarted("pipe");
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return notStarted("fork");
  }
  if (pid == 0) {
    ::close(fds[0]);
    ::tzset();  // the time zone is read now: the confined child may not open /etc/localtime
    if (!confine()) {
      static const char kRefused[] = "{\"error\":\"the script sandbox (seccomp) could not be set up\"}";
      writeAll(fds[1], kRefused, sizeof kRefused - 1);
      leave(3);
    }
    try {
      body(fds[1]);
    } catch (...) {
      leave(2);
    }
    leave(0);
  }
  ::close(fds[1]);
  SandboxResult r;
  r.ending = SandboxResult::Ending::finished;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeMillis);
  char buffer[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.ending = SandboxResult::Ending::timedOut;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline is judged above
    auto n = ready < 0 ? -1 : ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // end of file: the child is done
    r.output.append(buffer, static_cast<std::size_t>(n));
    if (r.output.size() > maxOutput) {
      r.ending = SandboxResult::Ending::tooMuchOutput;
      break;
    }
  }
  ::close(fds[0]);
  if (r.ending != SandboxResult::Ending::finished) ::kill(pid, SIGKILL);
  int status = 0;
  pid_t waited;
  do waited = ::waitpid(pid, &status, 0);
  while (waited < 0 && errno == EINTR);
  // A host that ignores SIGCHLD has its children reaped for it (ECHILD): the output decides.
  if (waited == pid && WIFSIGNALED(status) && r.ending == SandboxResult::Ending::finished) {
    r.ending = SandboxResult::Ending::killed;
    r.signal = WTERMSIG(status);
  }
  return r;
}

}  // namespace ordo::script
