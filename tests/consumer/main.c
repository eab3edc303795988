/* A C program using the installed libordo.so through pkg-config. */
#include <ordo.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  ordo_engine *engine = NULL;
  ordo_options options = ORDO_OPTIONS_INIT;
  char *out = NULL;
  if (ordo_engine_open(&engine, &options) != ORDO_OK) return 1;
  if (ordo_definition_list(&out, engine) != ORDO_OK || strcmp(out, "[]") != 0) return 1;
  ordo_free(out);
  ordo_engine_close(engine);
  printf("c consumer ok, ordo %s\n", ordo_version());
  return 0;
}
