// Engine::Impl: the facade's state is the command runner every service shares.
#pragma once

#include "command/runner.hpp"

namespace ordo {

struct Engine::Impl : command::Runner {
  using Runner::Runner;
};

using command::summarize;

// Refuses (parse_error, duplicate_message_start) a message start event of `p` on a name another
// process already starts on; `deployedTogether` (message name -> key) also counts the
// processes of the resources deployed with it, and records p's.
void refuseTakenMessageStarts(store::Session& c, const runtime::CompiledModel& compiled, const model::Process& p,
                              std::map<std::string, std::string>* deployedTogether = nullptr);

}  // namespace ordo
