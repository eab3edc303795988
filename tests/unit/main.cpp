#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// ORDO_TEST_BACKEND=postgres without a database to run on (ORDO_TEST_POSTGRES, set by
// scripts/with-postgres): skipped (ctest's SKIP_RETURN_CODE), not failed.
int main(int argc, char* argv[]) {
  const char* backend = std::getenv("ORDO_TEST_BACKEND");
  const char* url = std::getenv("ORDO_TEST_POSTGRES");
  if (backend && std::strcmp(backend, "postgres") == 0 && (!url || !*url)) {
    std::fprintf(stderr, "ORDO_TEST_BACKEND=postgres but no ORDO_TEST_POSTGRES: skipped (scripts/with-postgres)\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
