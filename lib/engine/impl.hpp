// Engine::Impl: the facade's state is the command runner every service shares.
#pragma once

#include "command/runner.hpp"

namespace ordo {

struct Engine::Impl : command::Runner {
  using Runner::Runner;
};

using command::summarize;

}  // namespace ordo
