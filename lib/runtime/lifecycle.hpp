// The token lifecycle: which state may follow which. Behaviours change a
// token's state only through transition(), so a wrong move is caught where it
// happens instead of being saved.
#pragma once

#include <ordo/error.hpp>

#include "runtime/state.hpp"

namespace ordo::runtime {

//                                 to: active  waiting joining scope
inline constexpr bool kLifecycle[4][4] = {
    /* from active  */ {true, true, true, true},     // arrives, waits, joins, opens a scope
    /* from waiting */ {true, false, false, false},  // triggered
    /* from joining */ {true, false, false, false},  // the join fires
    /* from scope   */ {true, false, false, false},  // the scope completes
};

inline void transition(Token& t, TokenState to) {
  if (!kLifecycle[static_cast<int>(t.state)][static_cast<int>(to)])
    throw Error(ErrorCode::internal, std::string("token ") + std::to_string(t.id) + " at '" + t.element +
                                         "' cannot go from " + toString(t.state) + " to " + toString(to));
  t.state = to;
  t.dirty = true;
}

}  // namespace ordo::runtime
