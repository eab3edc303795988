// The HTTP layer on Boost.Beast: an acceptor and one session per connection on a few I/O
// threads; every request runs on a thread pool (engine calls block), its answer is written
// back on the connection's strand. Header and body sizes are bounded, a request must arrive
// within the read timeout, keep-alive is HTTP/1.1's default. Only this file includes Beast.
#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "server/state.hpp"
#include "server/workorder/workorder.hpp"

namespace ordo::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
std::string percentDecode(const std::string& s, bool plusIsSpace) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plusIsSpace) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void splitTarget(const std::string& target, Request& r) {  // declared in http.hpp
  auto q = target.find('?');
  std::string path = target.substr(0, q);
  std::string decoded;
  std::size_t i = 0;
  while (i < path.size()) {
    auto j = path.find('/', i + 1);
    if (j == std::string::npos) j = path.size();
    decoded += percentDecode(path.substr(i, j - i), false);
    i = j;
  }
  while (decoded.size() > 1 && decoded.back() == '/') decoded.pop_back();
  r.path = decoded;
  if (q == std::string::npos) return;
  std::string query = target.substr(q + 1);
  std::size_t k = 0;
  while (k <= query.size()) {
    auto amp = query.find('&', k);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(k, amp - k);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      r.query.emplace(percentDecode(pair.substr(0, eq), true),
                      eq == std::string::npos ? std::string() : percentDecode(pair.substr(eq + 1), true));
    }
    k = amp + 1;
  }
}


namespace {

std::string nowIso() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

// What the server holds of every connection, plain or TLS.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void stopIfIdle() = 0;
};

struct Server::Impl {
  Engine& engine;
  ServerState state;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<net::thread_pool> pool;
  std::vector<std::thread> ioThreads;
  std::mutex sessionsMutex;
  std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::unique_ptr<net::ssl::context> tls;  // set when a certificate is configured
  std::atomic<std::uint64_t> nextRequest{1};
  std::mutex logMutex;
  std::ofstream logFile;
  bool logOff = false;
  std::atomic<bool> stopped{false};
  std::shared_ptr<void> dialectWork;  // the dialects' background threads (workorder's webhooks)

  Impl(Engine& e, ServerOptions o) : engine(e), state(e, std::move(o)) {
    const auto& log = state.options.accessLog;
    if (log == "off")
      logOff = true;
    else if (!log.empty()) {
      logFile.open(log, std::ios::app);
      if (!logFile) throw Error(ErrorCode::io_error, "accessLog: cannot open '" + log + "'");
    }
  }

  void accept();
  void logLine(const std::string& id, const std::string& method, const std::string& path, int status,
               std::int64_t micros, const std::string& user) {
    if (logOff) return;
    boost::json::object o{{"time", nowIso()}, {"id", id},     {"method", validUtf8(method)}, {"path", validUtf8(path)},
                          {"status", status}, {"us", micros}, {"user", validUtf8(user)}};
    auto line = boost::json::serialize(o) + "\n";
    std::lock_guard lock(logMutex);
    if (logFile.is_open()) {
      logFile << line;
      logFile.flush();
    } else {
      std::cerr << line;
    }
  }
};

// One connection. Stream: beast::tcp_stream, or beast::ssl_stream over one (TLS: the
// handshake first, within the read timeout).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;
  using std::enable_shared_from_this<Session<Stream>>::weak_from_this;

 public:
  template <class... Tls>
  Session(tcp::socket socket, Server::Impl& srv, Tls&... tls)
      : stream_(std::move(socket), tls...), srv_(srv), pollTimer_(stream_.get_executor()) {
    boost::system::error_code ec;
    auto ep = lowest().socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() {
    {
      std::lock_guard lock(srv_.sessionsMutex);
      srv_.sessions[this] = weak_from_this();
    }
    if constexpr (kTls) {
      lowest().expires_after(limits().readTimeout);
      stream_.async_handshake(net::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->close();  // not TLS, or a bad handshake: nothing to answer
        self->readHeader();
      });
    } else {
      net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->readHeader(); });
    }
  }

  ~Session() override {
    std::lock_guard lock(srv_.sessionsMutex);
    srv_.sessions.erase(this);
  }

  // On shutdown: a connection waiting for its next request closes; a long poll answers now.
  void stopIfIdle() override {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && self->buffer_.size() == 0) {
        boost::system::error_code ec;
        self->lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        self->lowest().socket().close(ec);
      }
      if (self->polling_) self->pollTimer_.cancel();
    });
  }

 private:
  Stream stream_;
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Server::Impl& srv_;
  net::steady_timer pollTimer_;
  std::string remote_;
  bool idle_ = true;
  bool polling_ = false;
  bool keepAlive_ = true;
  bool linger_ = false;
  std::array<char, 16384> scratch_;
  unsigned version_ = 11;
  std::chrono::steady_clock::time_point began_;
  std::string requestId_, method_, path_, user_, route_;

  const Limits& limits() const { return srv_.state.options.limits; }

  void readHeader() {
    if (srv_.state.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().headerBytes));
    // The largest limit while the header is read; the route's own once the target is known.
    parser_->body_limit(std::max(limits().bodyBytes, limits().deploymentBytes));
    idle_ = true;
    lowest().expires_after(limits().readTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    idle_ = false;
    began_ = std::chrono::steady_clock::now();
    if (ec == http::error::header_limit)
      return fail(431, "header: larger than " + std::to_string(limits().headerBytes) + " bytes");
    if (ec == http::error::body_limit)
      return fail(413, "body: larger than the limit of " +
                           std::to_string(std::max(limits().bodyBytes, limits().deploymentBytes)) + " bytes");
    if (ec) {
      // A malformed request (bad framing, conflicting lengths) is told so; a timeout or a
      // closed connection just ends.
      bool malformed = ec.category() == beast::error_code(http::error::bad_target).category() &&
                       ec != http::error::end_of_stream && ec != http::error::partial_message;
      if (!malformed) return close();
      return fail(400, "malformed request: " + ec.message());
    }
    auto& req = parser_->get();
    // Framing that two parsers could read differently (request smuggling) is refused:
    // Transfer-Encoding beside Content-Length, or any coding but a lone "chunked".
    auto te = req[http::field::transfer_encoding];
    if (!te.empty() && req.count(http::field::content_length) > 0)
      return fail(400, "malformed request: both Transfer-Encoding and Content-Length");
    if (!te.empty() && !beast::iequals(te, "chunked"))
      return fail(400, "malformed request: Transfer-Encoding '" + std::string(te) + "' (only chunked is accepted)");
    std::string target(req.target());
    auto limit = target.find("/deployment/create") != std::string::npos ? limits().deploymentBytes : limits().bodyBytes;
    if (auto length = parser_->content_length(); length && *length > limit)
      return fail(413, "body: " + std::to_string(*length) + " bytes, larger than the limit of " +
                           std::to_string(limit) + " bytes");
    parser_->body_limit(limit);
    auto expect = req[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
        if (e) return self->close();
        self->readBody();
      });
      return;
    }
    readBody();
  }

  void readBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRequest(ec); });
  }

  void fail(int status, const std::string& message) {
    keepAlive_ = false;
    linger_ = true;  // the client may still be sending: read it away before closing, or it gets a reset
    method_ = parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "?";
    path_ = parser_ && parser_->is_header_done() ? std::string(parser_->get().target()) : "?";
    requestId_ = std::to_string(srv_.nextRequest++);
    route_ = "rejected";
    write(errorResponse(status, "InvalidRequestException", message, "invalid_argument"));
  }

  void onRequest(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      std::string target(parser_->get().target());
      auto limit =
          target.find("/deployment/create") != std::string::npos ? limits().deploymentBytes : limits().bodyBytes;
      return fail(413, "body: larger than the limit of " + std::to_string(limit) + " bytes");
    }
    if (ec && ec.category() == beast::error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
      return fail(400, "malformed request: " + ec.message());
    if (ec) return close();
    lowest().expires_never();
    auto& msg = parser_->get();
    auto req = std::make_shared<Request>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    splitTarget(req->target, *req);
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req->headers[name] = std::string(f.value());
    }
    req->body = std::move(msg.body());
    req->remote = remote_;
    requestId_ = std::to_string(srv_.nextRequest++);
    req->requestId = requestId_;
    method_ = req->method;
    path_ = req->path;
    keepAlive_ = msg.keep_alive();
    version_ = msg.version();
    // The pool's work keeps the I/O threads alive until the answer is written.
    net::post(*srv_.pool, [self = shared_from_this(), req, work = net::make_work_guard(stream_.get_executor())] {
      std::string user, route;
      Response r = self->srv_.state.handle(*req, user, route);
      net::post(self->stream_.get_executor(), [self, r = std::move(r), user, route]() mutable {
        self->user_ = user;
        self->route_ = route;
        self->deliver(std::move(r));
      });
    });
  }

  void deliver(Response r) {
    if (!r.poll) return write(std::move(r));
    polling_ = true;
    auto pending = std::make_shared<Response>(std::move(r));
    pollTimer_.expires_after(pending->pollEvery);
    pollTimer_.async_wait([self = shared_from_this(), pending](beast::error_code) {
      bool last = self->srv_.state.stopping || std::chrono::steady_clock::now() >= pending->deadline;
      net::post(*self->srv_.pool, [self, pending, last, work = net::make_work_guard(self->stream_.get_executor())] {
        std::optional<Response> out;
        try {
          out = pending->poll(last);
        } catch (const Error& e) {
          out = errorResponse(e);
        } catch (const std::exception& e) {
          out = errorResponse(500, "ProcessEngineException", e.what(), "internal");
        }
        net::post(self->stream_.get_executor(), [self, pending, out = std::move(out)]() mutable {
          if (out) {
            self->polling_ = false;
            return self->write(std::move(*out));
          }
          self->deliver(std::move(*pending));
        });
      });
    });
  }

  void write(Response r) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), version_);
    res->set(http::field::server, "ordo");
    if (!r.contentType.empty()) res->set(http::field::content_type, r.contentType);
    res->set("X-Request-Id", requestId_);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    bool keep = keepAlive_ && !srv_.state.stopping;
    res->keep_alive(keep);
    res->prepare_payload();
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began_).count();
    srv_.state.metrics.record(method_, route_, r.status, micros);
    srv_.logLine(requestId_, method_, path_, r.status, micros, user_);
    lowest().expires_after(limits().readTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
      if (!ec && self->linger_) return self->lingerClose();
      if (ec || !keep) return self->close();
      self->user_.clear();
      self->readHeader();
    });
  }

  // Half-closes, then discards what the client still sends (for at most two seconds).
  void lingerClose() {
    boost::system::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().expires_after(std::chrono::seconds(2));
    drain();
  }
  void drain() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  void close() {
    boost::system::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().socket().close(ec);
  }
};

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor.is_open()) return;
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::size_t live;
      {
        std::lock_guard lock(sessionsMutex);
        live = sessions.size();
      }
      if (static_cast<int>(live) >= state.options.limits.maxConnections) {
        // Over the limit: told so in one write and closed; the connections already open go on.
        static const std::string body =
            R"({"type":"RestException","message":"too many connections: the server's limit is reached"})";
        static const std::string busy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            "Connection: close\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        net::write(socket, net::buffer(busy), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
      } else {
        if (tls)
          std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *this, *tls)->start();
        else
          std::make_shared<Session<beast::tcp_stream>>(std::move(socket), *this)->start();
      }
    }
    if (!state.stopping) accept();
  });
}

Server::Server(Engine& engine, ServerOptions options) : impl_(std::make_unique<Impl>(engine, std::move(options))) {}

Server::~Server() {
  if (!impl_->stopped) {
    stop();
    wait();
  }
}

const RouteTable& Server::routes() const {
  return impl_->state.routes;
}

bool Server::tls() const {
  return impl_->tls != nullptr;
}

unsigned short Server::start() {
  auto& o = impl_->state.options;
  boost::system::error_code ec;
  auto address = net::ip::make_address(o.host, ec);
  if (ec) throw Error(ErrorCode::invalid_argument, "listen: '" + o.host + "' is not an IP address");
  if (o.tlsCertificate.empty() != o.tlsKey.empty())
    throw Error(ErrorCode::invalid_argument, "tls: both a certificate and its key are needed");
  if (!o.tlsCertificate.empty()) {
    auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    ctx->use_certificate_chain_file(o.tlsCertificate, ec);
    if (ec) throw Error(ErrorCode::invalid_argument, "tls.certificate: cannot use '" + o.tlsCertificate + "': " + ec.message());
    ctx->use_private_key_file(o.tlsKey, net::ssl::context::pem, ec);
    if (ec) throw Error(ErrorCode::invalid_argument, "tls.key: cannot use '" + o.tlsKey + "': " + ec.message());
    impl_->tls = std::move(ctx);
  } else if (!address.is_loopback() && !o.allowPlainHttp) {
    throw Error(ErrorCode::invalid_argument,
                "listen: plain HTTP on " + o.host +
                    ", which is not a loopback address: configure tls.certificate and tls.key, or allowPlainHttp");
  }
  tcp::endpoint ep(address, o.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(ep, ec);
  if (ec)
    throw Error(ErrorCode::io_error,
                "listen: cannot bind " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  a.listen(net::socket_base::max_listen_connections);
  int threads =
      o.limits.threads > 0 ? o.limits.threads : std::max(8, 4 * static_cast<int>(std::thread::hardware_concurrency()));
  impl_->pool = std::make_unique<net::thread_pool>(static_cast<std::size_t>(threads));
  impl_->accept();
  for (int i = 0; i < std::max(1, o.limits.ioThreads); ++i) impl_->ioThreads.emplace_back([this] { impl_->ioc.run(); });
  impl_->engine.startJobExecutor(o.jobPollMillis);
  impl_->dialectWork = workorder::startBackground(impl_->engine);
  return a.local_endpoint().port();
}

void Server::stop() {
  if (impl_->state.stopping.exchange(true)) return;
  net::post(impl_->ioc, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(impl_->sessionsMutex);
    for (auto& [p, w] : impl_->sessions)
      if (auto s = w.lock()) live.push_back(s);
  }
  for (auto& s : live) s->stopIfIdle();
}

void Server::wait() {
  for (auto& t : impl_->ioThreads)
    if (t.joinable()) t.join();
  if (impl_->pool) impl_->pool->join();
  impl_->dialectWork.reset();
  impl_->engine.stopJobExecutor();
  impl_->stopped = true;
}

}  // namespace ordo::server
