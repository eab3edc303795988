#include "parse/xml.hpp"

#include <algorithm>
#include <cctype>

namespace ordo::parse {

namespace {

constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The encoding named in the XML declaration, or "" when there is none.
std::string declaredEncoding(std::string_view text) {
  if (text.substr(0, 5) != "<?xml") return {};
  auto end = text.find("?>");
  if (end == std::string_view::npos) return {};
  auto decl = text.substr(0, end);
  auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos = decl.find_first_of("\"'", pos);
  if (pos == std::string_view::npos) return {};
  char quote = decl[pos];
  auto close = decl.find(quote, pos + 1);
  if (close == std::string_view::npos) return {};
  return lower(decl.substr(pos + 1, close - pos - 1));
}

std::string latin1ToUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (unsigned char c : in) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool validNcName(std::string_view s) {
  if (s.empty()) return false;
  auto start = static_cast<unsigned char>(s[0]);
  if (!(std::isalpha(start) || start == '_' || start >= 0x80)) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80;
  });
}

std::pair<std::string_view, std::string_view> splitQName(std::string_view qname) {
  auto colon = qname.find(':');
  if (colon == std::string_view::npos) return {{}, qname};
  return {qname.substr(0, colon), qname.substr(colon + 1)};
}

}  // namespace

bool isEngineExtensionNs(std::string_view ns) {
  return ns == kFlowableNs || ns == kCamundaNs || ns == kActivitiNs || ns == kOrdoNs;
}

XmlDocument::XmlDocument(const std::string& text, std::size_t maxBytes, int maxDepth) {
  auto indexLines = [this](const std::string& t) {
    lineStarts_.assign(1, 0);
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] == '\n') lineStarts_.push_back(i + 1);
  };
  if (text.size() > maxBytes) {
    fail("too_large",
         "document is " + std::to_string(text.size()) + " bytes, over the limit of " + std::to_string(maxBytes), -1);
    return;
  }
  indexLines(text);
  if (text.empty() || text.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail("xml_malformed", "document is empty", -1);
    return;
  }
  // Entity definitions are the door to billion-laughs expansion; BPMN never needs them.
  if (text.find("<!DOCTYPE") != std::string::npos || text.find("<!ENTITY") != std::string::npos) {
    auto at = text.find("<!DOCTYPE");
    if (at == std::string::npos) at = text.find("<!ENTITY");
    fail("xml_doctype", "DOCTYPE and entity declarations are not accepted", static_cast<std::ptrdiff_t>(at));
    return;
  }
  auto encoding = declaredEncoding(text);
  pugi::xml_encoding parseAs = pugi::encoding_auto;
  if (encoding.empty() || encoding == "utf-8" || encoding == "utf8" || encoding == "us-ascii" || encoding == "ascii") {
    buffer_ = text;
    parseAs = pugi::encoding_utf8;
  } else if (encoding == "iso-8859-1" || encoding == "latin1" || encoding == "iso8859-1" || encoding == "latin-1") {
    buffer_ = latin1ToUtf8(text);
    parseAs = pugi::encoding_utf8;
  } else if (encoding == "utf-16" || encoding == "utf-32") {
    buffer_ = text;  // pugixml converts; positions are then approximate
  } else {
    fail("unsupported_encoding", "unsupported document encoding " + encoding, 0);
    return;
  }
  indexLines(buffer_);

  unsigned options = pugi::parse_default | pugi::parse_ws_pcdata_single;
  auto result = doc_.load_buffer(buffer_.data(), buffer_.size(), options, parseAs);
  if (!result) {
    fail("xml_malformed", std::string("not well-formed XML: ") + result.description(), result.offset);
    return;
  }
  if (!doc_.document_element()) {
    fail("xml_malformed", "document has no root element", -1);
    return;
  }
  ok_ = true;
  buildNames(maxDepth);
}

void XmlDocument::fail(std::string code, std::string message, std::ptrdiff_t offset) {
  ok_ = false;
  Diagnostic d{Severity::error, std::move(code), std::move(message), {}, 0, 0};
  if (offset >= 0 && !lineStarts_.empty()) {
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), static_cast<std::size_t>(offset));
    d.line = static_cast<int>(it - lineStarts_.begin());
    d.column = static_cast<int>(static_cast<std::size_t>(offset) - *(it - 1)) + 1;
  }
  diagnostics_.push_back(std::move(d));
}

// One iterative pass: depth limit, duplicate attributes, namespace resolution.
void XmlDocument::buildNames(int maxDepth) {
  struct Frame {
    pugi::xml_node node;
    int depth;
    std::size_t scopeSize;
  };
  // In-scope prefix declarations as a stack; a frame remembers where its scope began.
  std::vector<std::pair<std::string_view, std::string_view>> scope{{"xml", kXmlNs}};
  std::vector<Frame> stack{{doc_.document_element(), 1, 1}};
  std::vector<std::string_view> seen;
  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    scope.resize(frame.scopeSize);
    auto node = frame.node;
    if (frame.depth > maxDepth) {
      fail("too_deep", "elements are nested deeper than the limit of " + std::to_string(maxDepth), node.offset_debug());
      return;
    }
    seen.clear();
    std::size_t declaredFrom = scope.size();
    for (auto attr : node.attributes()) {
      std::string_view an = attr.name();
      if (std::find(seen.begin(), seen.end(), an) != seen.end()) {
        fail("xml_malformed",
             "not well-formed XML: attribute '" + std::string(an) + "' given twice on <" + node.name() + ">",
             node.offset_debug());
        return;
      }
      seen.push_back(an);
      if (an == "xmlns") {
        scope.emplace_back("", attr.value());
      } else if (an.substr(0, 6) == "xmlns:") {
        auto prefix = an.substr(6);
        if (!validNcName(prefix)) {
          fail("xml_malformed", "not namespace-well-formed: '" + std::string(prefix) + "' is not a valid prefix",
               node.offset_debug());
          return;
        }
        scope.emplace_back(prefix, attr.value());
      }
    }
    if (scope.size() > declaredFrom)
      declarations_[node.internal_object()].assign(scope.begin() + static_cast<long>(declaredFrom), scope.end());
    auto lookup = [&](std::string_view prefix, std::string_view& ns) {
      for (auto it = scope.rbegin(); it != scope.rend(); ++it)
        if (it->first == prefix) {
          ns = it->second;
          return true;
        }
      return prefix.empty();  // no default namespace declared: no namespace
    };
    auto [prefix, local] = splitQName(node.name());
    std::string_view ns;
    if (!lookup(prefix, ns)) {
      fail("xml_namespace", "namespace prefix '" + std::string(prefix) + "' of <" + node.name() + "> is not declared",
           node.offset_debug());
      return;
    }
    if (!validNcName(local) || (!prefix.empty() && !validNcName(prefix))) {
      fail("xml_malformed", "not namespace-well-formed element name <" + std::string(node.name()) + ">",
           node.offset_debug());
      return;
    }
    names_[node.internal_object()] = XName{ns, local};
    for (auto attr : node.attributes()) {
      std::string_view an = attr.name();
      if (an == "xmlns" || an.substr(0, 6) == "xmlns:") continue;
      auto [ap, al] = splitQName(an);
      std::string_view ans;
      if (!validNcName(al) || (!ap.empty() && !lookup(ap, ans))) {
        fail("xml_namespace",
             "attribute '" + std::string(an) + "' of <" + node.name() + "> has an undeclared prefix or an invalid name",
             node.offset_debug());
        return;
      }
    }
    std::size_t childScope = scope.size();
    // Push in reverse so children are visited in document order (errors report the first).
    std::vector<pugi::xml_node> children;
    for (auto child : node.children())
      if (child.type() == pugi::node_element) children.push_back(child);
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back({*it, frame.depth + 1, childScope});
  }
}

XName XmlDocument::name(pugi::xml_node element) const {
  auto it = names_.find(element.internal_object());
  return it == names_.end() ? XName{} : it->second;
}

bool XmlDocument::is(pugi::xml_node element, std::string_view ns, std::string_view local) const {
  auto n = name(element);
  return n.ns == ns && n.local == local;
}

XName XmlDocument::name(pugi::xml_node element, pugi::xml_attribute attribute) const {
  auto [prefix, local] = splitQName(attribute.name());
  if (prefix.empty()) return {{}, local};
  XName out;
  if (!resolveQName(element, attribute.name(), out)) return {{}, local};
  return out;
}

bool XmlDocument::resolveQName(pugi::xml_node element, std::string_view qname, XName& out) const {
  auto [prefix, local] = splitQName(qname);
  out.local = local;
  if (prefix == "xml") {
    out.ns = kXmlNs;
    return true;
  }
  for (auto node = element; node; node = node.parent()) {
    auto it = declarations_.find(node.internal_object());
    if (it == declarations_.end()) continue;
    for (auto d = it->second.rbegin(); d != it->second.rend(); ++d)
      if (d->first == prefix) {
        out.ns = d->second;
        return true;
      }
  }
  out.ns = {};
  return prefix.empty();
}

XmlDocument::Location XmlDocument::locate(pugi::xml_node node) const {
  auto offset = node.offset_debug();
  if (offset < 0 || lineStarts_.empty()) return {};
  // offset_debug points at the name; step back to the '<' the user sees.
  auto o = static_cast<std::size_t>(offset);
  if (o > 0 && o <= buffer_.size() && buffer_[o - 1] == '<') --o;
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), o);
  return {static_cast<int>(it - lineStarts_.begin()), static_cast<int>(o - *(it - 1)) + 1};
}

}  // namespace ordo::parse
