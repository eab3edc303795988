// The limit Ordo's durable figures are read against: raw SQLite, with Ordo's
// file settings (WAL; synchronous FULL or NORMAL), one single-row INSERT per
// transaction, as many as the disk allows.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: sqlite_limit DB full|normal COMMITS\n");
    return 2;
  }
  std::string path = argv[1], sync = argv[2];
  long commits = std::atol(argv[3]);
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_exec(db, "PRAGMA page_size=1024", nullptr, nullptr, nullptr);  // as lib/store/store.cpp
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, sync == "full" ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t(v) VALUES ('a row of about the size of a history entry')", -1, &insert,
                     nullptr);
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < commits; ++i) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (sqlite3_step(insert) != SQLITE_DONE) return 1;
    sqlite3_reset(insert);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  std::printf("bench=sqlite_limit sync=%s commits=%ld seconds=%.3f commits_per_s=%.0f\n", sync.c_str(), commits, secs,
              commits / secs);
}
