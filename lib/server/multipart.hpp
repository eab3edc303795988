// multipart/form-data bodies (RFC 7578), as Camunda Modeler and curl -F post deployments.
#pragma once

#include <string>
#include <vector>

namespace ordo::server {

struct FormPart {
  std::string name, filename, contentType, data;
};

// Throws Error(invalid_argument) for a body that is not multipart/form-data with that boundary.
std::vector<FormPart> parseMultipart(const std::string& contentType, const std::string& body);

}  // namespace ordo::server
