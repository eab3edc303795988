// SHA-256 as lower-case hex (OpenSSL's EVP): the deploy identity and the work-order
// center's client secrets. Defined in engine.cpp.
#pragma once

#include <string>

namespace ordo {
std::string sha256Hex(const std::string& text);
}  // namespace ordo
