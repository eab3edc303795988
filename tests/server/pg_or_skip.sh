#!/usr/bin/env bash
# Runs a server test on PostgreSQL (ORDO_TEST_POSTGRES, from scripts/with-postgres), or skips it (77).
[ -n "${ORDO_TEST_POSTGRES:-}" ] || { echo "no ORDO_TEST_POSTGRES: skipped (scripts/with-postgres)"; exit 77; }
exec "$@"
