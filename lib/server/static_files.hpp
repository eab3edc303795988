// Files the server serves as they are: the web console's build (ServerOptions::consoleDir)
// at /console/, and the content types shared with Swagger UI's files.
#pragma once

#include <string>

#include "server/http.hpp"

namespace ordo::server {

// The Content-Type for a file name, by its extension.
std::string contentTypeOf(const std::string& path);

// True for /console and every path under /console/: they are files, not API routes.
bool isConsolePath(const std::string& path);

// GET of a console path: the file under `dir`, index.html for any path that is not a
// file (the console routes in the browser), 404 naming the build step when `dir` is empty.
// No credentials: the files are public; the API calls the console makes carry the user's.
Response consoleFile(const std::string& dir, const Request& req);

}  // namespace ordo::server
