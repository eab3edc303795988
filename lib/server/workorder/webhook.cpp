// The webhooks of 工单告警: a thread that POSTs each due delivery (JSON, signed with
// HMAC-SHA256 of the type's webhookSecret in X-Ordo-Signature) and records the outcome in
// the engine, which retries a failure with backoff. Plain sockets: http:// only, 3 s limits.
#include <netdb.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/camunda7/common.hpp"
#include "server/workorder/workorder.hpp"

namespace ordo::server::workorder {

namespace {

std::string hmacHex(const std::string& key, const std::string& body) {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&st, out);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned char b : out) {
    s += hex[b >> 4];
    s += hex[b & 15];
  }
  return s;
}

// One POST; true on a 2xx answer, else `error` says why.
bool post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
          std::string& error) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    error = "not an http:// address";
    return false;
  }
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string hostPort = rest.substr(0, slash), path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostPort.rfind(':');
  std::string host = hostPort.substr(0, colon), port = colon == std::string::npos ? "80" : hostPort.substr(colon + 1);
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) {
    error = "cannot resolve " + host;
    return false;
  }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  bool connected = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0;
  freeaddrinfo(res);
  if (!connected) {
    if (fd >= 0) close(fd);
    error = "cannot connect to " + hostPort;
    return false;
  }
  std::string req =
      "POST " + path + " HTTP/1.1\r\nHost: " + hostPort +
      "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  req += "\r\n" + body;
  bool sent = send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  char buf[256];
  ssize_t n = sent ? recv(fd, buf, sizeof buf - 1, 0) : -1;
  close(fd);
  if (n <= 0) {
    error = sent ? "no answer from " + hostPort : "cannot send to " + hostPort;
    return false;
  }
  buf[n] = 0;
  std::string line(buf);
  line = line.substr(0, line.find('\r'));
  auto sp = line.find(' ');
  if (sp == std::string::npos || line.size() < sp + 4 || line[sp + 1] != '2') {
    error = "answered: " + line;
    return false;
  }
  return true;
}

class Sender {
 public:
  explicit Sender(Engine& e) : engine_(e), thread_([this] { loop(); }) {}
  ~Sender() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void deliverDue() {
    for (const auto& a : engine_.dueWebhookDeliveries(20)) {
      std::string error;
      bool ok = false;
      try {
        auto order = engine_.workOrder(a.orderId);
        auto type = engine_.workOrderType(order.typeId);
        if (!type || type->webhookUrl.empty()) {
          error = "the work-order type has no webhookUrl";
        } else {
          boost::json::array users;
          for (const auto& u : a.notified) users.push_back(boost::json::value(u));
          auto body = boost::json::serialize(boost::json::object{
              {"alertId", std::to_string(a.id)},
              {"level", a.level},
              {"workOrderId", std::to_string(a.orderId)},
              {"workOrderNumber", order.number},
              {"title", order.title},
              {"typeId", order.typeId},
              {"processInstanceId", std::to_string(a.instanceId)},
              {"taskId", a.taskId ? boost::json::value(std::to_string(a.taskId)) : boost::json::value(nullptr)},
              {"elementId", a.elementId},
              {"deadline", camunda7::isoTime(a.deadline)},
              {"raised", camunda7::isoTime(a.raisedAt)},
              {"notified", users}});
          ok = post(type->webhookUrl, body,
                    {"X-Ordo-Signature: sha256=" + hmacHex(type->webhookSecret, body),
                     "X-Ordo-Alert: " + std::to_string(a.id)},
                    error);
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
      try {
        engine_.recordWebhookDelivery(a.id, ok, error);
      } catch (const std::exception&) {
        // recorded by another server meanwhile, or the engine is closing: the next round sees it
      }
    }
  }

  void loop() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        deliverDue();
      } catch (const std::exception&) {
        // the store was busy: the next round retries
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(300), [this] { return stop_; });
    }
  }

  Engine& engine_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::shared_ptr<void> startBackground(Engine& engine) {
  return std::make_shared<Sender>(engine);
}

}  // namespace ordo::server::workorder
