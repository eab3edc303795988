// The web console's files (console/, built by vite into the build directory) at /console/.
#include "server/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/state.hpp"

namespace ordo::server {

namespace fs = std::filesystem;

std::string contentTypeOf(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "application/javascript";
  if (ext == "css") return "text/css";
  if (ext == "png") return "image/png";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "ttf") return "font/ttf";
  if (ext == "eot") return "application/vnd.ms-fontobject";
  if (ext == "json" || ext == "map") return "application/json";
  return "application/octet-stream";
}

bool isConsolePath(const std::string& path) {
  return path == "/console" || path.rfind("/console/", 0) == 0;
}

namespace {

Response fileResponse(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return errorResponse(404, "RestException", "no such file: " + file.filename().string());
  std::ostringstream s;
  s << in.rdbuf();
  Response r;
  r.contentType = contentTypeOf(file.string());
  // vite names its assets by content hash: they never change; index.html must be fresh.
  bool hashed = file.parent_path().filename() == "assets";
  r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  r.body = s.str();
  return r;
}

}  // namespace

Response consoleFile(const std::string& dir, const Request& req) {
  if (req.method != "GET") return errorResponse(405, "RestException", req.method + " is not allowed on " + req.path);
  if (dir.empty())
    return errorResponse(404, "RestException",
                         "the console is not built: build with Node and npm present (console/, ORDO_BUILD_CONSOLE), "
                         "or give ordo-server --console DIR");
  Response moved;
  // The parsed path drops a trailing slash; the target as sent tells /console from /console/.
  if (req.path == "/console" && req.target.substr(0, req.target.find('?')) == "/console") {
    // Relative asset URLs in index.html need the trailing slash.
    moved.status = 308;
    moved.contentType.clear();
    moved.headers.emplace_back("Location", "/console/");
    return moved;
  }
  std::string rel = req.path.size() > 9 ? req.path.substr(9) : "";  // after "/console/"
  if (rel.find("..") != std::string::npos) return errorResponse(404, "RestException", "no such file");
  fs::path root(dir);
  std::error_code ec;
  if (!rel.empty() && fs::is_regular_file(root / rel, ec)) return fileResponse(root / rel);
  // A missing asset is a 404 (a stale page asking for an old bundle), any other path the app.
  if (rel.rfind("assets/", 0) == 0) return errorResponse(404, "RestException", "no such file: " + rel);
  return fileResponse(root / "index.html");
}

}  // namespace ordo::server
