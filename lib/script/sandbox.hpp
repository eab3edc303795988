// A child process to run untrusted work in: forked, confined by seccomp to memory, time
// and pipe-writing system calls, and killed when it outlives its time budget. The parent
// never waits longer than the budget, so a script that loops forever costs its budget only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ordo::script {

struct SandboxResult {
  enum class Ending { finished, timedOut, tooMuchOutput, killed, failedToStart };
  Ending ending = Ending::failedToStart;
  std::string output;  // what the child wrote before it ended
  int signal = 0;      // killed: the signal that ended the child
  std::string detail;  // failedToStart: why
};

// Runs `body` in a forked child after the child is confined; `body` writes its answer to
// the file descriptor it is given. Reads at most `maxOutput` bytes of it.
SandboxResult runSandboxed(const std::function<void(int fd)>& body, std::int64_t timeMillis, std::size_t maxOutput);

// Writes all of `text` to `fd` (the child's answer).
void writeAll(int fd, const char* text, std::size_t size);

}  // namespace ordo::script
