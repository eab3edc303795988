# Warnings are set per target, never in global flags.
function(ordo_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)  # GCC 12 reports std::string concatenation falsely at -O3 (GCC bug 105329)
endfunction()
