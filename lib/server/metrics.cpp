#include "server/metrics.hpp"

#include <sstream>

namespace ordo::server {

void Metrics::record(const std::string& method, const std::string& route, int status, std::int64_t micros) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  double s = static_cast<double>(micros) / 1e6;
  std::size_t i = 0;
  while (i < kBuckets.size() && s > kBuckets[i]) ++i;
  ++histogram_[i];
  sumSeconds_ += s;
  ++count_;
  if (method != "GET" && status < 300) ++commands_;
}

namespace {
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string Metrics::render(const std::map<std::string, double>& gauges) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP ordo_http_requests_total HTTP requests answered, by method, route and status.\n"
      << "# TYPE ordo_http_requests_total counter\n";
  for (const auto& [k, n] : requests_)
    out << "ordo_http_requests_total{method=\"" << std::get<0>(k) << "\",route=\"" << escape(std::get<1>(k))
        << "\",status=\"" << std::get<2>(k) << "\"} " << n << "\n";
  out << "# HELP ordo_http_request_duration_seconds Time from the request's header to its answer.\n"
      << "# TYPE ordo_http_request_duration_seconds histogram\n";
  std::int64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += histogram_[i];
    out << "ordo_http_request_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << cumulative << "\n";
  }
  cumulative += histogram_[kBuckets.size()];
  out << "ordo_http_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "ordo_http_request_duration_seconds_sum " << sumSeconds_ << "\n"
      << "ordo_http_request_duration_seconds_count " << count_ << "\n";
  out << "# HELP ordo_http_commands_total Requests other than GET that succeeded (engine commands).\n"
      << "# TYPE ordo_http_commands_total counter\n"
      << "ordo_http_commands_total " << commands_ << "\n";
  for (const auto& [name, v] : gauges) out << "# TYPE ordo_" << name << " gauge\nordo_" << name << " " << v << "\n";
  return out.str();
}

}  // namespace ordo::server
