// The route table: matching a method and path to a route, and its parameters.
#include <boost/json.hpp>

#include "server/http.hpp"

namespace ordo::server {

namespace {
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}
}  // namespace

Response json(int status, const boost::json::value& v) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

Response noContent() {
  Response r;
  r.status = 204;
  r.contentType.clear();
  return r;
}

const Dialect* RouteTable::dialectFor(const std::string& path) const {
  for (const auto& d : dialects_)
    if (!d->prefix.empty() && path.rfind(d->prefix, 0) == 0) return d.get();
  return nullptr;
}

void RouteTable::add(Route r) {
  // Every {param} of the path is a required path parameter, documented once.
  for (const auto& seg : segments(r.path))
    if (seg.size() > 2 && seg.front() == '{') {
      std::string name = seg.substr(1, seg.size() - 2);
      bool listed = false;
      for (const auto& p : r.params) listed = listed || (p.in == "path" && p.name == name);
      if (!listed) r.params.insert(r.params.begin(), Param{name, "path", "string", true, {}});
    }
  routes_.push_back(std::move(r));
}

const Route* RouteTable::match(const std::string& method, const std::string& path,
                               std::map<std::string, std::string>& params, bool& pathKnown) const {
  auto got = segments(path);
  const Route* best = nullptr;
  int bestLiterals = -1;
  pathKnown = false;
  for (const auto& r : routes_) {
    auto want = segments(r.path);
    if (want.size() != got.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < want.size() && ok; ++i) {
      if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') continue;
      if (want[i] != got[i]) ok = false;
      ++literals;
    }
    if (!ok) continue;
    if (r.method != method) {
      pathKnown = true;
      continue;
    }
    // The most literal segments wins: /process-definition/key/{key} over /process-definition/{id}/xml.
    if (literals > bestLiterals) {
      best = &r;
      bestLiterals = literals;
    }
  }
  if (best) {
    auto want = segments(best->path);
    for (std::size_t i = 0; i < want.size(); ++i)
      if (want[i].size() > 2 && want[i].front() == '{') params[want[i].substr(1, want[i].size() - 2)] = got[i];
  }
  return best;
}

}  // namespace ordo::server
