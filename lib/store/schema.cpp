// The schema and its forward migrations. A database remembers its version in
// schema_version; opening applies whatever migrations it has not seen, each in
// a transaction. Never edit a released migration: add the next one.
#include "store/schema.hpp"

#include <array>
#include <regex>
#include <vector>

#include "store/pg.hpp"
#include "store/rollup.hpp"
#include "store/runtime_record.hpp"

namespace ordo::store {

namespace {

constexpr std::array kMigrations = {
    // 1: the first schema.
    R"sql(
CREATE TABLE definitions(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT,
  hash TEXT NOT NULL,
  xml TEXT NOT NULL,
  deployed_at INTEGER NOT NULL,
  UNIQUE(key, version));
CREATE INDEX definitions_hash ON definitions(hash);

CREATE TABLE instances(
  id INTEGER PRIMARY KEY,
  definition_id INTEGER NOT NULL REFERENCES definitions(id),
  parent_id INTEGER,
  business_key TEXT,
  initiator TEXT,
  tenant TEXT,
  state TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  revision INTEGER NOT NULL);
CREATE INDEX instances_state ON instances(state, id);
CREATE INDEX instances_definition ON instances(definition_id, id);
CREATE INDEX instances_business_key ON instances(business_key) WHERE business_key IS NOT NULL;
CREATE INDEX instances_parent ON instances(parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE tokens(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL,
  parent_id INTEGER,
  element_id TEXT NOT NULL,
  state TEXT NOT NULL,
  data TEXT);
CREATE INDEX tokens_instance ON tokens(instance_id);

CREATE TABLE variables(
  instance_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY(instance_id, scope_id, name)) WITHOUT ROWID;

CREATE TABLE tasks(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL,
  token_id INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  name TEXT,
  assignee TEXT,
  owner TEXT,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at INTEGER,
  due_at INTEGER,
  priority INTEGER NOT NULL DEFAULT 50,
  form_key TEXT,
  candidate_users TEXT,
  candidate_groups TEXT,
  completed_by TEXT);
CREATE INDEX tasks_open_assignee ON tasks(assignee, id DESC) WHERE state = 'open';
CREATE INDEX tasks_instance ON tasks(instance_id, state);

CREATE TABLE task_candidates(
  kind TEXT NOT NULL,
  who TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  PRIMARY KEY(kind, who, task_id)) WITHOUT ROWID;
CREATE INDEX task_candidates_task ON task_candidates(task_id);

CREATE TABLE jobs(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL,
  token_id INTEGER,
  kind TEXT NOT NULL,
  element_id TEXT,
  topic TEXT,
  due_at INTEGER,
  lock_owner TEXT,
  lock_expires INTEGER,
  retries INTEGER NOT NULL DEFAULT 3,
  error TEXT,
  data TEXT);
CREATE INDEX jobs_due ON jobs(kind, due_at);
CREATE INDEX jobs_topic ON jobs(topic, lock_expires) WHERE kind = 'external';
CREATE INDEX jobs_instance ON jobs(instance_id);

CREATE TABLE incidents(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL,
  job_id INTEGER,
  element_id TEXT,
  message TEXT,
  created_at INTEGER NOT NULL,
  resolved_at INTEGER);
CREATE INDEX incidents_instance ON incidents(instance_id);

CREATE TABLE history(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  element_id TEXT,
  element_type TEXT,
  task_id INTEGER,
  actor TEXT,
  comment TEXT);
CREATE INDEX history_instance ON history(instance_id, id);
)sql",
    // 2: event subscriptions (messages, signals) of waiting tokens.
    R"sql(
CREATE TABLE subscriptions(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL,
  token_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  element_id TEXT NOT NULL,
  correlation_key TEXT);
CREATE INDEX subscriptions_name ON subscriptions(kind, name);
CREATE INDEX subscriptions_instance ON subscriptions(instance_id);
)sql",
    // 3: the call-activity token a called instance reports back to.
    R"sql(
ALTER TABLE instances ADD COLUMN parent_token_id INTEGER;
)sql",
    // 4: messages that arrived before anyone waited for them, kept when the sender asked.
    R"sql(
CREATE TABLE buffered_messages(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  business_key TEXT,
  variables TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER);
CREATE INDEX buffered_messages_name ON buffered_messages(name, id);
)sql",
    // 5: identity, inboxes, approval operations in history, task delegation.
    R"sql(
CREATE TABLE users(id TEXT PRIMARY KEY, name TEXT, department_id TEXT, tenant TEXT) WITHOUT ROWID;
CREATE TABLE roles(id TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
CREATE TABLE user_roles(user_id TEXT NOT NULL, role_id TEXT NOT NULL, PRIMARY KEY(user_id, role_id)) WITHOUT ROWID;
CREATE INDEX user_roles_role ON user_roles(role_id);
CREATE TABLE departments(id TEXT PRIMARY KEY, name TEXT, parent_id TEXT, leader_id TEXT) WITHOUT ROWID;
CREATE TABLE inbox(
  id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  type TEXT NOT NULL,
  instance_id INTEGER,
  task_id INTEGER,
  title TEXT,
  created_at INTEGER NOT NULL,
  read_at INTEGER);
CREATE INDEX inbox_user ON inbox(user_id, id);
ALTER TABLE history ADD COLUMN action TEXT;
ALTER TABLE history ADD COLUMN targets TEXT;
CREATE INDEX history_action ON history(action, task_id) WHERE action IS NOT NULL;
ALTER TABLE tasks ADD COLUMN delegation TEXT;
CREATE INDEX tasks_completed_by ON tasks(completed_by, id) WHERE completed_by IS NOT NULL;
CREATE INDEX instances_initiator ON instances(initiator, id) WHERE initiator IS NOT NULL;
)sql",
    // 6: entrustments (委托): a user's new tasks go to another user within a window.
    R"sql(
CREATE TABLE entrustments(
  id INTEGER PRIMARY KEY,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  processes TEXT,
  valid_from INTEGER,
  valid_until INTEGER,
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER);
CREATE INDEX entrustments_from ON entrustments(from_user) WHERE cancelled_at IS NULL;
)sql",
    // 7: form schemas (JSON) deployed with a definition, by form key.
    R"sql(
CREATE TABLE forms(
  definition_id INTEGER NOT NULL,
  form_key TEXT NOT NULL,
  schema TEXT NOT NULL,
  PRIMARY KEY(definition_id, form_key)) WITHOUT ROWID;
)sql",
    // 8: a definition's category (its document's targetNamespace, as in Flowable).
    R"sql(
ALTER TABLE definitions ADD COLUMN category TEXT;
)sql",
    // 9: the highest id ever handed out per table, so that ids are never reused after a delete.
    R"sql(
CREATE TABLE id_high(tbl TEXT PRIMARY KEY, high INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO id_high SELECT 'instances', coalesce(max(id), 0) FROM instances;
INSERT INTO id_high SELECT 'tokens', coalesce(max(id), 0) FROM tokens;
INSERT INTO id_high SELECT 'tasks', coalesce(max(id), 0) FROM tasks;
INSERT INTO id_high SELECT 'jobs', coalesce(max(id), 0) FROM jobs;
INSERT INTO id_high SELECT 'subscriptions', coalesce(max(id), 0) FROM subscriptions;
)sql",
    // 10: message and signal start events, registered at deploy for the latest version of each key
    // (a broadcast looks them up by name instead of reading every definition). The 'backfill' row
    // asks the engine to register those of the definitions deployed before this schema.
    R"sql(
CREATE TABLE start_subscriptions(
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  definition_id INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  PRIMARY KEY(kind, name, definition_id, element_id)) WITHOUT ROWID;
CREATE INDEX start_subscriptions_definition ON start_subscriptions(definition_id);
INSERT INTO start_subscriptions SELECT 'backfill', '', 0, '' WHERE EXISTS (SELECT 1 FROM definitions);
)sql",
    // 11: what a server keeps beside the engine's tables: deployments, credentials, API tokens, tenants.
    R"sql(
CREATE TABLE IF NOT EXISTS server_deployments(
  id INTEGER PRIMARY KEY, name TEXT, source TEXT, tenant TEXT, deployed_at INTEGER NOT NULL,
  resources TEXT, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS server_deployment_definitions(
  deployment_id INTEGER NOT NULL, definition_id INTEGER NOT NULL,
  PRIMARY KEY(deployment_id, definition_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS server_credentials(user_id TEXT PRIMARY KEY, hash TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS server_tokens(
  id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE TABLE IF NOT EXISTS server_tenants(id TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
)sql",
    // 12: a definition may be suspended (it starts no instances until it is activated again).
    R"sql(
ALTER TABLE definitions ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
)sql",
    // 13: a definition's publication: 0 deployed, 1 published, 2 offline (it starts no instances).
    R"sql(
ALTER TABLE definitions ADD COLUMN publication INTEGER NOT NULL DEFAULT 0;
)sql",
    // 14: the highest ids in one row, so that a command records them with one small UPDATE.
    R"sql(
CREATE TABLE id_next(one INTEGER PRIMARY KEY CHECK (one = 1), instances INTEGER NOT NULL,
  tokens INTEGER NOT NULL, tasks INTEGER NOT NULL, jobs INTEGER NOT NULL, subscriptions INTEGER NOT NULL);
INSERT INTO id_next SELECT 1,
  max(coalesce((SELECT high FROM id_high WHERE tbl = 'instances'), 0), coalesce((SELECT max(id) FROM instances), 0)),
  max(coalesce((SELECT high FROM id_high WHERE tbl = 'tokens'), 0), coalesce((SELECT max(id) FROM tokens), 0)),
  max(coalesce((SELECT high FROM id_high WHERE tbl = 'tasks'), 0), coalesce((SELECT max(id) FROM tasks), 0)),
  max(coalesce((SELECT high FROM id_high WHERE tbl = 'jobs'), 0), coalesce((SELECT max(id) FROM jobs), 0)),
  max(coalesce((SELECT high FROM id_high WHERE tbl = 'subscriptions'), 0), coalesce((SELECT max(id) FROM subscriptions), 0));
DROP TABLE id_high;
)sql",
    // 15: work driven from outside (DingTalk's own workflow): templates without BPMN, records
    // whose state the client sets, todos in groups. Ids come from the instances' and tasks' ranges.
    R"sql(
CREATE TABLE work_templates(
  code TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, tenant TEXT NOT NULL DEFAULT '',
  form TEXT NOT NULL, saved_at INTEGER NOT NULL, deleted_at INTEGER) WITHOUT ROWID;
CREATE INDEX work_templates_name ON work_templates(tenant, name);
CREATE TABLE work_records(
  id INTEGER PRIMARY KEY, template TEXT NOT NULL, tenant TEXT NOT NULL DEFAULT '', originator TEXT NOT NULL,
  title TEXT, url TEXT, form TEXT NOT NULL, state TEXT NOT NULL, result TEXT,
  created_at INTEGER NOT NULL, ended_at INTEGER);
CREATE INDEX work_records_template ON work_records(template, state);
CREATE TABLE work_todos(
  id INTEGER PRIMARY KEY, record_id INTEGER NOT NULL REFERENCES work_records(id), group_id TEXT NOT NULL,
  group_name TEXT, user_id TEXT NOT NULL, url TEXT, state TEXT NOT NULL, result TEXT,
  created_at INTEGER NOT NULL, ended_at INTEGER);
CREATE INDEX work_todos_record ON work_todos(record_id, group_id);
CREATE INDEX work_todos_user ON work_todos(user_id, state, id);
)sql",
    // 16: the work-order center: a user may be disabled; the applications and services that call
    // it, its category tree, work-order types and work orders (each tied to its instance).
    R"sql(
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
CREATE TABLE wo_clients(
  kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT, secret_hash TEXT NOT NULL, images TEXT, app_flag TEXT,
  application_id TEXT, disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
  PRIMARY KEY(kind, id)) WITHOUT ROWID;
CREATE TABLE wo_categories(
  id TEXT PRIMARY KEY, parent_id TEXT, name TEXT NOT NULL, description TEXT, sort INTEGER NOT NULL DEFAULT 0)
  WITHOUT ROWID;
CREATE TABLE wo_types(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, category_id TEXT, scenario TEXT, system_id TEXT, project_id TEXT,
  process_key TEXT, supervisors TEXT, sla_duration TEXT, node_sla TEXT, alert_lead TEXT, webhook_url TEXT,
  webhook_secret TEXT) WITHOUT ROWID;
CREATE TABLE wo_orders(
  id INTEGER PRIMARY KEY, number TEXT NOT NULL, title TEXT NOT NULL, type_id TEXT, source TEXT,
  description TEXT, attachments TEXT, form_data TEXT, compensation TEXT, room_number TEXT, system_id TEXT,
  project_id TEXT, instance_id INTEGER NOT NULL, task_id INTEGER, created_by TEXT, created_at INTEGER NOT NULL,
  evaluation_score INTEGER, evaluation_comment TEXT, evaluated_at INTEGER);
CREATE INDEX wo_orders_instance ON wo_orders(instance_id);
CREATE INDEX wo_orders_creator ON wo_orders(created_by, id);
CREATE INDEX wo_orders_type ON wo_orders(type_id);
CREATE TABLE wo_alerts(
  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, instance_id INTEGER NOT NULL, task_id INTEGER NOT NULL,
  element_id TEXT, level TEXT NOT NULL, deadline INTEGER NOT NULL, raised_at INTEGER NOT NULL, notified TEXT,
  webhook_status TEXT, webhook_attempts INTEGER NOT NULL DEFAULT 0, webhook_next_at INTEGER, webhook_error TEXT,
  UNIQUE(order_id, task_id, level));
CREATE INDEX wo_alerts_webhook ON wo_alerts(webhook_next_at) WHERE webhook_status = 'pending';
CREATE INDEX wo_alerts_instance ON wo_alerts(instance_id);
-- 报告分析: index-only scans by start and end time, durations in index order.
CREATE INDEX instances_started ON instances(definition_id, started_at, parent_id, state);
CREATE INDEX instances_ended ON instances(definition_id, ended_at, parent_id, state) WHERE ended_at IS NOT NULL;
CREATE INDEX instances_duration ON instances(definition_id, ended_at - started_at, ended_at, started_at)
  WHERE ended_at IS NOT NULL;
CREATE INDEX tasks_duration ON tasks(element_id, ended_at - created_at, ended_at, created_at, state)
  WHERE state = 'completed';
CREATE INDEX tasks_completer_duration ON tasks(completed_by, ended_at - created_at, ended_at, created_at, state)
  WHERE state = 'completed';
)sql",
    // 17: the two-phase next-approver choice (上一节点指定审批人): a completion waiting for its choice.
    R"sql(
CREATE TABLE pending_choices(
  id INTEGER PRIMARY KEY, task_id INTEGER NOT NULL, node TEXT NOT NULL, candidate TEXT NOT NULL,
  user_id TEXT NOT NULL, variables TEXT NOT NULL, comment TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX pending_choices_task ON pending_choices(task_id);
ALTER TABLE id_next ADD COLUMN pending_choices INTEGER NOT NULL DEFAULT 0;
)sql",
};

// 21: an instance's token tree and variables as one row (store/runtime_record.hpp) instead of a
// row per token and per variable; the old tables become views of the same, for reading.
const char* kRuntimeRecord = R"sql(
CREATE TABLE instance_runtime(instance_id INTEGER PRIMARY KEY, tokens TEXT NOT NULL, variables TEXT NOT NULL);
INSERT INTO instance_runtime(instance_id, tokens, variables)
SELECT i.id,
  coalesce((SELECT json_group_array(json_array(t.id, t.parent_id, t.element_id, t.state, json(t.data)))
            FROM (SELECT * FROM tokens WHERE instance_id = i.id ORDER BY id) t), '[]'),
  coalesce((SELECT json_group_object(CAST(g.scope_id AS TEXT), json(g.vars))
            FROM (SELECT scope_id, json_group_object(name, json(value)) AS vars FROM variables
                  WHERE instance_id = i.id GROUP BY scope_id) g), '{}')
FROM instances i
WHERE EXISTS (SELECT 1 FROM tokens WHERE instance_id = i.id) OR EXISTS (SELECT 1 FROM variables WHERE instance_id = i.id);
DROP TABLE tokens;
DROP TABLE variables;
CREATE VIEW tokens(id, instance_id, parent_id, element_id, state, data) AS
  SELECT json_extract(t.value, '$[0]'), r.instance_id, json_extract(t.value, '$[1]'), json_extract(t.value, '$[2]'),
         json_extract(t.value, '$[3]'), json_extract(t.value, '$[4]')
  FROM instance_runtime r, json_each(r.tokens) t;
CREATE VIEW variables(instance_id, scope_id, name, value) AS
  SELECT r.instance_id, CAST(g.key AS INTEGER), v.key,
         CASE v.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE json_quote(v.value) END
  FROM instance_runtime r, json_each(r.variables) g, json_each(g.value) v;
)sql";

// The same for PostgreSQL (its JSON functions differ).
const char* kRuntimeRecordPostgres = R"sql(
CREATE TABLE instance_runtime(instance_id BIGINT PRIMARY KEY, tokens TEXT NOT NULL, variables TEXT NOT NULL);
INSERT INTO instance_runtime(instance_id, tokens, variables)
SELECT i.id,
  coalesce((SELECT jsonb_agg(jsonb_build_array(t.id, t.parent_id, t.element_id, t.state, t.data::jsonb) ORDER BY t.id)
            FROM tokens t WHERE t.instance_id = i.id), '[]'::jsonb)::text,
  coalesce((SELECT jsonb_object_agg(g.scope_id::text, g.vars)
            FROM (SELECT scope_id, jsonb_object_agg(name, value::jsonb) AS vars FROM variables
                  WHERE instance_id = i.id GROUP BY scope_id) g), '{}'::jsonb)::text
FROM instances i
WHERE EXISTS (SELECT 1 FROM tokens WHERE instance_id = i.id) OR EXISTS (SELECT 1 FROM variables WHERE instance_id = i.id);
-- Token ids still come from the table's sequence: it outlives the table.
ALTER SEQUENCE tokens_id_seq OWNED BY NONE;
DROP TABLE tokens;
DROP TABLE variables;
CREATE VIEW tokens(id, instance_id, parent_id, element_id, state, data) AS
  SELECT (t.value->>0)::bigint, r.instance_id, (t.value->>1)::bigint, t.value->>2, t.value->>3,
         CASE WHEN jsonb_typeof(t.value->4) = 'object' THEN (t.value->4)::text END
  FROM instance_runtime r, jsonb_array_elements(r.tokens::jsonb) t(value);
CREATE VIEW variables(instance_id, scope_id, name, value) AS
  SELECT r.instance_id, g.key::bigint, v.key, v.value::text
  FROM instance_runtime r, jsonb_each(r.variables::jsonb) g, jsonb_each(g.value) v;
)sql";

// Schema 26 (SQLite): a command's history lines of an instance are one row of history_log
// (runtime_record.hpp), its id the first line's; `history` is a view with the old table's columns.
// History ids come from id_next like the others' (the lines of a row need consecutive ids).
std::string historyLogMigration() {
  std::string sql = R"sql(
CREATE TABLE history_names(code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE history_log(id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT,
  entries TEXT NOT NULL);
INSERT INTO history_log(id, instance_id, at, entries)
  SELECT id, instance_id, at, json_array(json_array(kind, element_id, element_type, task_id, actor, comment, action,
                                                    targets))
  FROM history;
ALTER TABLE id_next ADD COLUMN history INTEGER NOT NULL DEFAULT 0;
UPDATE id_next SET history = coalesce((SELECT max(id) FROM history), 0);
DROP TABLE history;
CREATE INDEX history_log_instance ON history_log(instance_id, id);
CREATE VIEW history(id, instance_id, at, kind, element_id, element_type, task_id, actor, comment, action, targets) AS
  SELECT l.id + e.key, l.instance_id, coalesce(e.value ->> 8, l.at),
         CASE json_type(e.value, '$[0]') WHEN 'integer' THEN (SELECT name FROM history_names WHERE code = e.value ->> 0)
           ELSE e.value ->> 0 END,
         e.value ->> 1,
         CASE json_type(e.value, '$[2]') WHEN 'integer' THEN (SELECT name FROM history_names WHERE code = e.value ->> 2)
           ELSE e.value ->> 2 END,
         e.value ->> 3, nullif(coalesce(e.value ->> 4, l.actor), ''), e.value ->> 5, e.value ->> 6, e.value ->> 7
  FROM history_log l, json_each(l.entries) e;
)sql";
  const auto& names = historyNames();
  for (std::size_t i = 0; i < names.size(); ++i)
    sql += "INSERT INTO history_names(code, name) VALUES (" + std::to_string(i + 1) + ", '" + names[i] + "');\n";
  return sql;
}

// Schema 28 (SQLite): a history line on the same element as the line before says so with an
// element 0 (runtime_record.hpp); the view takes that line's element and type from the nearest
// line before it that names one.
constexpr const char* kHistoryRepeats = R"sql(
DROP VIEW history;
CREATE VIEW history(id, instance_id, at, kind, element_id, element_type, task_id, actor, comment, action, targets) AS
  SELECT id, instance_id, at, kind, source ->> 1,
         CASE json_type(source, '$[2]') WHEN 'integer' THEN (SELECT name FROM history_names WHERE code = source ->> 2)
           ELSE source ->> 2 END,
         task_id, actor, comment, action, targets
  FROM (SELECT l.id + e.key AS id, l.instance_id, coalesce(e.value ->> 8, l.at) AS at,
               CASE json_type(e.value, '$[0]') WHEN 'integer'
                 THEN (SELECT name FROM history_names WHERE code = e.value ->> 0) ELSE e.value ->> 0 END AS kind,
               CASE json_type(e.value, '$[1]') WHEN 'integer'
                 THEN (SELECT p.value FROM json_each(l.entries) p WHERE p.key < e.key AND
                         json_type(p.value, '$[1]') = 'text' ORDER BY p.key DESC LIMIT 1)
                 ELSE e.value END AS source,
               e.value ->> 3 AS task_id, nullif(coalesce(e.value ->> 4, l.actor), '') AS actor,
               e.value ->> 5 AS comment, e.value ->> 6 AS action, e.value ->> 7 AS targets
        FROM history_log l, json_each(l.entries) e);
)sql";

// Migrations from 18 on may be built from parts (the rollups' triggers share their statements).
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v(kMigrations.begin(), kMigrations.end());
    v.push_back(rollupMigration());  // 18: 报告分析's rollups
    v.push_back("ALTER TABLE wo_types ADD COLUMN working_hours TEXT;");  // 19: SLAs in working time
    v.push_back(rollupFastPathMigration());  // 20: the rollups' triggers, a plain upsert for the common cases
    v.push_back(kRuntimeRecord);  // 21: tokens and variables as one record per instance
    // 22: no index by action: every operation wrote it, only the urge limit read it (now by instance).
    v.push_back("DROP INDEX history_action;");
    v.push_back(rollupForwardingMigration());  // 23: rare-case rollup triggers with small frames
    v.push_back(rollupWriterMigration());      // 24: no rollup triggers: the store's writes count
    // 25: tasks by instance without the state, which every completion moved in the index (an
    // instance's few task rows are checked for their state instead).
    v.push_back("DROP INDEX tasks_instance;\nCREATE INDEX tasks_instance ON tasks(instance_id);");
    v.push_back(historyLogMigration());  // 26: a command's history lines as one row
    v.push_back("SELECT 1;");  // 27: PostgreSQL's rollup triggers run at the commit (SQLite has none)
    v.push_back(kHistoryRepeats);  // 28: a history line names its element once per run of lines
    return v;
  }();
  return all;
}

// PostgreSQL runs the same migrations, with the same version numbers, as
// translateDdlToPostgres() makes them (INTEGER → BIGINT, INTEGER PRIMARY KEY → BIGSERIAL,
// WITHOUT ROWID dropped). A migration that needs more than that has its PostgreSQL text here.
// Adding migration N: append its SQLite text to migrations(); run the suite on PostgreSQL
// (scripts/with-postgres ctest -R pg.); only if its translation fails, add a case below.
std::string postgresMigration(int version) {
  if (version == 18) return rollupMigrationPostgres();  // triggers are written per database
  if (version == 20) return "SELECT 1";  // SQLite's triggers only: PostgreSQL's functions stay as 18 made them
  if (version == 21) return kRuntimeRecordPostgres;
  if (version == 22) return "DROP INDEX IF EXISTS history_action";
  if (version == 23) return "SELECT 1";  // SQLite's triggers only, as 20
  if (version == 24) return "SELECT 1";  // PostgreSQL's triggers keep its rollups (writerKeepsRollups)
  // PostgreSQL keeps a row a history line (its ids from the sequence); id_next stays alike.
  if (version == 26) return "ALTER TABLE id_next ADD COLUMN history BIGINT NOT NULL DEFAULT 0";
  if (version == 27) return rollupDeferredPostgres();
  if (version == 28) return "SELECT 1";  // SQLite's history rows only: PostgreSQL keeps a row a line
  std::string sql = translateDdlToPostgres(migrations()[static_cast<std::size_t>(version - 1)]);
  switch (version) {
    case 14:
      // SQLite's max(a, b) of two values is GREATEST in PostgreSQL. (PostgreSQL hands out
      // the ids from the tables' sequences, not from id_next; the table is kept alike.)
      sql = std::regex_replace(sql, std::regex(R"(\bmax\(coalesce\(\(SELECT high)"), "GREATEST(coalesce((SELECT high");
      break;
    case 16:
      // An expression in an index's column list takes parentheses in PostgreSQL.
      sql = std::regex_replace(sql, std::regex(R"(, (ended_at - (started_at|created_at)),)"), ", ($1),");
      break;
    default: break;
  }
  return sql;
}

}  // namespace

int schemaVersion() {
  return static_cast<int>(migrations().size());
}

void migrate(Connection& db) {
  const bool pg = db.postgres();
  // Several servers starting at once on one PostgreSQL database: one migrates, the others wait.
  if (pg) db.exec("SELECT pg_advisory_lock(7263002)");
  struct Unlock {
    Connection& db;
    bool pg;
    ~Unlock() {
      if (pg) try {
          db.exec("SELECT pg_advisory_unlock(7263002)");
        } catch (...) {
        }
    }
  } unlock{db, pg};
  db.exec(pg ? "CREATE TABLE IF NOT EXISTS schema_version(version BIGINT NOT NULL)"
             : "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  int current = 0;
  {
    auto& q = db.prepare("SELECT max(version) FROM schema_version");
    if (q.step() && !q.isNull(0)) current = static_cast<int>(q.int64(0));
    q.reset();
  }
  if (current > schemaVersion())
    throw Error(ErrorCode::wrong_state, "database schema version " + std::to_string(current) +
                                            " is newer than this Ordo understands (" + std::to_string(schemaVersion()) +
                                            ")");
  for (int v = current; v < schemaVersion(); ++v) {
    Transaction tx(db);
    if (pg)
      db.exec(postgresMigration(v + 1));
    else
      db.exec(migrations()[static_cast<std::size_t>(v)]);
    db.prepare("INSERT INTO schema_version(version) VALUES (?)").bind(1, v + 1).run();
    tx.commit();
  }
}

}  // namespace ordo::store
