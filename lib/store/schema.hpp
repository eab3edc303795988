#pragma once

#include "store/sqlite.hpp"

namespace ordo::store {

int schemaVersion();
// Brings the database up to schemaVersion(); refuses a newer database.
void migrate(Connection& db);

}  // namespace ordo::store
