# Warnings are set per target, never in global flags.
function(ordo_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)  # GCC 12 reports std::string concatenation falsely at -O3 (GCC bug 105329)
  ordo_precompiled_headers(${target})
endfunction()

# Boost.JSON and the standard headers nearly every file includes, parsed once per target instead of
# once per file (~2.5 s of a file's compile time; 24 instead of ~28 CPU minutes for the tree).
# ORDO_PCH=ON only: see the option in CMakeLists.txt.
function(ordo_precompiled_headers target)
  if(ORDO_PCH)
    # (Every target given here is C++ only.)
    target_precompile_headers(${target} PRIVATE <boost/json.hpp> <string> <vector> <map> <memory> <functional>
                              <optional>)
  endif()
endfunction()
