// Request counters and a latency histogram, rendered in the Prometheus text format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ordo::server {

class Metrics {
 public:
  void record(const std::string& method, const std::string& route, int status, std::int64_t micros);
  // `gauges`: name -> value, appended as ordo_<name> gauges.
  std::string render(const std::map<std::string, double>& gauges) const;

 private:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    5};
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::int64_t> requests_;
  std::array<std::int64_t, kBuckets.size() + 1> histogram_{};
  double sumSeconds_ = 0;
  std::int64_t count_ = 0;
  std::int64_t commands_ = 0;
};

}  // namespace ordo::server
