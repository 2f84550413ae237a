#pragma once
#include <string>

namespace bridge::app {

// The operator's status page (GET /): a static HTML document whose script polls
// /api/v1/health and /api/v1/meters every 2 s. No external assets (the box may be offline).
const std::string& status_page_html();

}  // namespace bridge::app
