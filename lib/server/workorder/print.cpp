// 工单打印: a print-ready HTML page of a work order (its fields, form data, history with
// approvers and comments, the process drawn as SVG) and the same page as PDF, printed by
// headless Chromium (a well-kept engine whose print output matches what a browser shows;
// spawned per request, with a time limit). Without Chromium the PDF route says so (501).
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

using camunda7::R;

std::string esc(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string valueText(const value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return boost::json::serialize(v);
}

// The diagram: nodes in layers by their distance from the start, edges as lines.
std::string svgOf(const Canvas& canvas) {
  std::map<std::string, int> layer;
  std::map<std::string, std::vector<std::string>> next;
  std::map<std::string, int> incoming;
  for (const auto& e : canvas.edges) {
    next[e.source].push_back(e.target);
    ++incoming[e.target];
  }
  std::vector<std::string> queue;
  for (const auto& n : canvas.nodes)
    if (!incoming.count(n.id)) {
      layer[n.id] = 0;
      queue.push_back(n.id);
    }
  for (std::size_t i = 0; i < queue.size(); ++i)
    for (const auto& t : next[queue[i]])
      if (!layer.count(t)) {
        layer[t] = layer[queue[i]] + 1;
        queue.push_back(t);
      }
  std::map<int, int> rows;
  std::map<std::string, std::pair<int, int>> at;
  for (const auto& n : canvas.nodes) {
    int l = layer.count(n.id) ? layer[n.id] : 0;
    at[n.id] = {40 + l * 170, 40 + rows[l]++ * 100};
  }
  int width = 0, height = 0;
  for (const auto& [id, p] : at) {
    width = std::max(width, p.first + 160);
    height = std::max(height, p.second + 100);
  }
  auto colour = [](const std::string& status) {
    if (status == "done") return "#52c41a";
    if (status == "active") return "#1677ff";
    return "#bfbfbf";
  };
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"12\">";
  for (const auto& e : canvas.edges) {
    if (!at.count(e.source) || !at.count(e.target)) continue;
    auto [x1, y1] = at[e.source];
    auto [x2, y2] = at[e.target];
    s << "<line x1=\"" << x1 + 110 << "\" y1=\"" << y1 + 25 << "\" x2=\"" << x2 << "\" y2=\"" << y2 + 25
      << "\" stroke=\"" << colour(e.status) << "\" stroke-width=\"2\"/>";
  }
  for (const auto& n : canvas.nodes) {
    auto [x, y] = at[n.id];
    bool event = n.kind.find("Event") != std::string::npos, gateway = n.kind.find("Gateway") != std::string::npos;
    s << "<g class=\"" << esc(n.status) << "\" data-id=\"" << esc(n.id) << "\">";
    if (event)
      s << "<circle cx=\"" << x + 25 << "\" cy=\"" << y + 25 << "\" r=\"22\" fill=\"white\" stroke=\""
        << colour(n.status) << "\" stroke-width=\"3\"/>";
    else if (gateway)
      s << "<polygon points=\"" << x + 25 << "," << y << " " << x + 50 << "," << y + 25 << " " << x + 25 << ","
        << y + 50 << " " << x << "," << y + 25 << "\" fill=\"white\" stroke=\"" << colour(n.status)
        << "\" stroke-width=\"3\"/>";
    else
      s << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"110\" height=\"50\" rx=\"8\" fill=\"white\" stroke=\""
        << colour(n.status) << "\" stroke-width=\"3\"/>";
    s << "<text x=\"" << x + (event || gateway ? 25 : 55) << "\" y=\"" << y + (event || gateway ? 66 : 30)
      << "\" text-anchor=\"middle\">" << esc(n.name.empty() ? n.id : n.name) << "</text></g>";
  }
  s << "</svg>";
  return s.str();
}

WorkOrder printable(Call& c) {
  Id n = camunda7::parseId(c.request.params.at("id"), "Work order");
  try {
    auto o = c.engine.workOrder(n);
    auto i = c.engine.instance(o.instanceId);
    if (c.who.admin || o.createdBy == c.who.user || i.initiator == c.who.user) return o;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  throw Error(ErrorCode::not_found, "Work order with id '" + c.request.params.at("id") + "' does not exist");
}

std::string pageOf(Call& c, const WorkOrder& o) {
  auto i = c.engine.instance(o.instanceId);
  auto def = c.engine.definition(i.definitionId);
  std::ostringstream h;
  h << "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>工单 " << esc(o.number)
    << "</title><style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;width:100%;margin:8px 0 "
       "20px}td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0;"
       "width:22%}@media print{.noprint{display:none}}</style></head><body>";
  h << "<h1>工单 " << esc(o.number) << " · " << esc(o.title) << "</h1>";
  h << "<h2>工单信息</h2><table>";
  auto row = [&](const char* k, const std::string& v) {
    h << "<tr><th>" << k << "</th><td>" << esc(v) << "</td></tr>";
  };
  row("工单编号", o.number);
  row("标题", o.title);
  row("工单类型", o.typeId);
  row("状态", o.status);
  row("来源", o.source);
  row("所属系统", o.systemId);
  row("项目", o.projectId);
  row("房号", o.roomNumber);
  row("是否有偿", o.compensation == "paid" ? "有偿" : o.compensation == "unpaid" ? "无偿" : "");
  row("描述", o.description);
  std::string att;
  for (const auto& a : o.attachments) att += (att.empty() ? "" : ", ") + a;
  row("附件", att);
  row("发起人", i.initiator);
  row("创建时间", localTime(o.createdAt));
  row("流程", (def.name.empty() ? def.key : def.name) + " (" + definitionIdOf(def) + ")");
  if (o.evaluatedAt) row("评价", std::to_string(o.evaluationScore) + "/5 " + o.evaluationComment);
  h << "</table><h2>表单数据</h2><table>";
  for (const auto& kv : o.formData) row(std::string(kv.key()).c_str(), valueText(kv.value()));
  for (const auto& kv : c.engine.variables(i.id))
    if (!o.formData.contains(kv.key())) row(std::string(kv.key()).c_str(), valueText(kv.value()));
  h << "</table><h2>审批记录</h2><table><tr><th>时间</th><th>节点</th><th>操作</th><th>处理人</th><th>意见</th></tr>";
  std::map<Id, std::string> taskNames;
  for (const auto& t : c.engine.tasks(TaskQuery{.instanceId = i.id, .includeFinished = true})) taskNames[t.id] = t.name;
  for (const auto& e : c.engine.history(i.id)) {
    std::string action = !e.action.empty() ? e.action : e.kind;
    if (e.kind != "operation" && e.kind != "task_completed" && e.kind != "instance_started" &&
        e.kind != "instance_ended")
      continue;
    h << "<tr><td>" << esc(localTime(e.at)) << "</td><td>" << esc(e.taskId ? taskNames[e.taskId] : e.elementId)
      << "</td><td>" << esc(action) << "</td><td>" << esc(e.actor) << "</td><td>" << esc(e.comment) << "</td></tr>";
  }
  h << "</table><h2>流程图</h2>" << svgOf(c.engine.canvas(i.id)) << "</body></html>";
  return h.str();
}

std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (access(p, X_OK) == 0) return p;
  return {};
}

extern "C" char** environ;

// One headless Chromium per request: its own profile folder (a shared one would hand the job
// to a running instance), no shell, no background networking, at most 60 s.
std::string printToPdf(const std::string& browser, const std::string& html) {
  char dir[] = "/tmp/ordo-print-XXXXXX";
  if (!mkdtemp(dir)) throw Error(ErrorCode::io_error, "cannot make a temporary folder for the PDF");
  std::string in = std::string(dir) + "/page.html", out = std::string(dir) + "/page.pdf";
  std::ofstream(in) << html;
  std::vector<std::string> args = {"timeout", "60", browser, "--headless", "--no-sandbox", "--disable-gpu",
                                   "--disable-quic", "--no-first-run", "--disable-background-networking",
                                   "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
                                   "--user-data-dir=" + std::string(dir) + "/profile", "--print-to-pdf=" + out,
                                   "file://" + in};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int status = -1;
  if (posix_spawnp(&pid, "timeout", &quiet, nullptr, argv.data(), environ) == 0) waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&quiet);
  std::ostringstream bytes;
  bytes << std::ifstream(out, std::ios::binary).rdbuf();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (status != 0 || bytes.str().rfind("%PDF", 0) != 0)
    throw Error(ErrorCode::io_error, "Chromium did not print the page (status " + std::to_string(status) + ")");
  return bytes.str();
}

}  // namespace

void addPrintRoutes(RouteTable& t) {
  const std::string p = "/ordo/workorder";
  t.add(R("GET", p + "/orders/{id}/print", "Work orders", "工单打印: the work order as a print-ready HTML page")
            .handle([](Call& c) {
              auto o = printable(c);
              Response r;
              r.contentType = "text/html; charset=utf-8";
              r.body = pageOf(c, o);
              return r;
            })
            .route);
  t.add(R("GET", p + "/orders/{id}/pdf", "Work orders", "工单打印: the same page as PDF (headless Chromium)")
            .handle([](Call& c) {
              auto o = printable(c);
              auto browser = chromium();
              if (browser.empty())
                return errorResponse(501, "RestException",
                                     "PDF printing needs headless Chromium: install the Debian package chromium "
                                     "(/usr/bin/chromium); the HTML page is at /engine-rest/ordo/workorder/orders/" +
                                         std::to_string(o.id) + "/print");
              auto bytes = printToPdf(browser, pageOf(c, o));
              Response r;
              r.contentType = "application/pdf";
              r.body = std::move(bytes);
              r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + o.number + ".pdf\"");
              return r;
            })
            .route);
}

}  // namespace ordo::server::workorder
