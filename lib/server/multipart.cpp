#include "server/multipart.hpp"

#include <algorithm>
#include <ordo/error.hpp>

namespace ordo::server {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The value of `key=` in a header value such as: form-data; name="x"; filename="a.bpmn".
std::string attribute(const std::string& header, const std::string& key) {
  std::size_t at = 0;
  std::string lowered = lower(header);
  while ((at = lowered.find(key + "=", at)) != std::string::npos) {
    if (at == 0 || lowered[at - 1] == ';' || lowered[at - 1] == ' ') break;
    at += key.size();
  }
  if (at == std::string::npos) return {};
  std::size_t start = at + key.size() + 1;
  if (start < header.size() && header[start] == '"') {
    auto end = header.find('"', start + 1);
    return header.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
  }
  auto end = header.find(';', start);
  std::string v = header.substr(start, end == std::string::npos ? std::string::npos : end - start);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}
}  // namespace

std::vector<FormPart> parseMultipart(const std::string& contentType, const std::string& body) {
  if (lower(contentType).find("multipart/form-data") == std::string::npos)
    throw Error(ErrorCode::invalid_argument, "Content-Type: expected multipart/form-data, got '" + contentType + "'");
  std::string boundary = attribute(contentType, "boundary");
  if (boundary.empty())
    throw Error(ErrorCode::invalid_argument, "Content-Type: multipart/form-data without a boundary");
  std::string delimiter = "--" + boundary;
  std::vector<FormPart> parts;
  auto pos = body.find(delimiter);
  if (pos == std::string::npos)
    throw Error(ErrorCode::invalid_argument, "body: no multipart boundary '" + boundary + "' found");
  while (true) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;  // the closing delimiter
    if (body.compare(pos, 2, "\r\n") != 0) throw Error(ErrorCode::invalid_argument, "body: malformed multipart part");
    pos += 2;
    auto headersEnd = body.find("\r\n\r\n", pos);
    if (headersEnd == std::string::npos)
      throw Error(ErrorCode::invalid_argument, "body: multipart part without headers end");
    FormPart part;
    std::size_t line = pos;
    while (line < headersEnd) {
      auto eol = body.find("\r\n", line);
      std::string h = body.substr(line, eol - line);
      auto colon = h.find(':');
      if (colon != std::string::npos) {
        std::string name = lower(h.substr(0, colon));
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (name == "content-disposition") {
          part.name = attribute(value, "name");
          part.filename = attribute(value, "filename");
        } else if (name == "content-type") {
          part.contentType = value;
        }
      }
      line = eol + 2;
    }
    auto dataStart = headersEnd + 4;
    auto next = body.find("\r\n" + delimiter, dataStart);
    if (next == std::string::npos)
      throw Error(ErrorCode::invalid_argument, "body: multipart part '" + part.name + "' is not closed");
    part.data = body.substr(dataStart, next - dataStart);
    parts.push_back(std::move(part));
    pos = next + 2;
  }
  return parts;
}

}  // namespace ordo::server
