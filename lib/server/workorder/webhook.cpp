// The webhooks of 工单告警: a thread that POSTs each due delivery (JSON, signed with
// HMAC-SHA256 of the type's webhookSecret in X-Ordo-Signature) and records the outcome in
// the engine, which retries a failure with backoff. Beast's client, http:// or https://, 3 s.
#include <sodium.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
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

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Target {
  bool tls = false;
  std::string host, port, path;
};

Target parse(const std::string& url) {
  Target t;
  std::string rest;
  if (url.rfind("https://", 0) == 0)
    t.tls = true, rest = url.substr(8);
  else if (url.rfind("http://", 0) == 0)
    rest = url.substr(7);
  else
    throw std::invalid_argument("not an http:// or https:// address");
  auto slash = rest.find('/');
  std::string hostPort = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostPort.rfind(':');
  t.host = hostPort.substr(0, colon);
  t.port = colon == std::string::npos ? (t.tls ? "443" : "80") : hostPort.substr(colon + 1);
  return t;
}

// One POST with Beast, the whole exchange within 3 s; https verifies the peer against the
// system's certificates (OpenSSL's defaults: SSL_CERT_FILE and SSL_CERT_DIR are honoured).
// True on a 2xx answer, else `error` says why.
bool post(const std::string& url, const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers,
          std::string& error) {
  try {
    auto t = parse(url);
    net::io_context io;
    beast::http::request<beast::http::string_body> req{beast::http::verb::post, t.path, 11};
    req.set(beast::http::field::host, t.host + ":" + t.port);
    req.set(beast::http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    beast::error_code failed;
    auto done = [&](beast::error_code ec, auto&&...) {
      if (ec && !failed) failed = ec;
    };
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(t.host, t.port);
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> tls(io, ctx);
    beast::tcp_stream plain(io);
    auto exchange = [&](auto& stream) {
      beast::http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) return done(ec);
        beast::http::async_read(stream, buffer, res, done);
      });
    };
    if (t.tls) {
      if (!SSL_set_tlsext_host_name(tls.native_handle(), t.host.c_str()))
        throw std::runtime_error("cannot set the TLS server name");
      tls.set_verify_callback(net::ssl::host_name_verification(t.host));
      beast::get_lowest_layer(tls).async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return done(ec);
        tls.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec2) {
          if (ec2) return done(ec2);
          exchange(tls);
        });
      });
    } else {
      plain.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return done(ec);
        exchange(plain);
      });
    }
    io.run_for(std::chrono::seconds(3));
    if (!io.stopped()) {
      error = "no answer from " + t.host + ":" + t.port + " within 3 s";
      return false;
    }
    if (failed) {
      error = failed.message();
      return false;
    }
    if (res.result_int() / 100 != 2) {
      error = "answered: " + std::to_string(res.result_int()) + " " + std::string(res.reason());
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
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
                    {{"X-Ordo-Signature", "sha256=" + hmacHex(type->webhookSecret, body)},
                     {"X-Ordo-Alert", std::to_string(a.id)}},
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
