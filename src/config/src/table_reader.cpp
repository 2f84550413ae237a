#include "table_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bridge::config::detail {

void Diagnostics::add(const toml::source_region& where, std::string message) {
  add(static_cast<int>(where.begin.line), static_cast<int>(where.begin.column), std::move(message));
}

void Diagnostics::add(int line, int column, std::string message) {
  // toml++ leaves the root table (and tables that were never written) at 0:0; point at the
  // start of the file instead of producing "FILE:0:0".
  if (line <= 0) {
    line = 1;
    column = 1;
  }
  errors_.push_back(ConfigError{file_, line, column, std::move(message)});
}

std::vector<ConfigError> Diagnostics::take() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(errors_);
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: return "nothing";
  }
  return "an unknown type";
}

std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::string("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string(std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return std::string(std::strerror(errno));
  out = buf.str();
  return std::nullopt;
}

TableReader::TableReader(const toml::table& table, std::string label, Diagnostics& diag,
                         const std::filesystem::path& base_dir)
    : table_(table), label_(std::move(label)), diag_(diag), base_dir_(base_dir) {}

const toml::node* TableReader::node(std::string_view key) {
  known_.emplace(key);
  return table_.get(key);
}

const toml::source_region& TableReader::where(std::string_view key) const {
  if (const toml::node* n = table_.get(key)) return n->source();
  return table_.source();
}

void TableReader::problem(std::string_view key, const std::string& detail) {
  diag_.add(where(key), "\"" + std::string(key) + "\" in " + label_ + ": " + detail);
}

void TableReader::problem_at(const toml::node& node, std::string_view key, const std::string& detail) {
  diag_.add(node.source(), "\"" + std::string(key) + "\" in " + label_ + ": " + detail);
}

bool TableReader::string(std::string_view key, std::string& out, bool allow_empty) {
  const toml::node* n = node(key);
  if (n == nullptr) return false;
  const auto* s = n->as_string();
  if (s == nullptr) {
    problem(key, "expected a string, got " + std::string(type_name(*n)));
    return false;
  }
  if (!allow_empty && s->get().empty()) {
    problem(key, "must not be empty");
    return false;
  }
  out = s->get();
  return true;
}

bool TableReader::boolean(std::string_view key, bool& out) {
  const toml::node* n = node(key);
  if (n == nullptr) return false;
  const auto* b = n->as_boolean();
  if (b == nullptr) {
    problem(key, "expected true or false, got " + std::string(type_name(*n)));
    return false;
  }
  out = b->get();
  return true;
}

bool TableReader::integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  const toml::node* n = node(key);
  if (n == nullptr) return false;
  const auto* i = n->as_integer();
  if (i == nullptr) {
    problem(key, "expected an integer, got " + std::string(type_name(*n)));
    return false;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    problem(key, std::to_string(v) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    return false;
  }
  out = v;
  return true;
}

bool TableReader::number(std::string_view key, double& out, double min, double max, bool min_exclusive) {
  const toml::node* n = node(key);
  if (n == nullptr) return false;
  double v = 0;
  if (const auto* i = n->as_integer()) {
    v = static_cast<double>(i->get());
  } else if (const auto* f = n->as_floating_point()) {
    v = f->get();
  } else {
    problem(key, "expected a number, got " + std::string(type_name(*n)));
    return false;
  }
  const bool below = min_exclusive ? !(v > min) : !(v >= min);
  if (below || !(v <= max) || std::isnan(v)) {
    std::ostringstream msg;
    msg << v << " is out of range " << (min_exclusive ? "(" : "[") << min << ", " << max << "]";
    problem(key, msg.str());
    return false;
  }
  out = v;
  return true;
}

bool TableReader::duration(std::string_view key, Duration& out, DurationRule rule) {
  const toml::node* n = node(key);
  if (n == nullptr) return false;
  const auto* s = n->as_string();
  if (s == nullptr) {
    problem(key, "expected a duration string like \"7s\" or \"300ms\", got " + std::string(type_name(*n)));
    return false;
  }
  auto d = parse_duration(s->get());
  if (!d) {
    problem(key, d.error());
    return false;
  }
  if (rule == DurationRule::positive && d->count() == 0) {
    problem(key, "must be greater than 0");
    return false;
  }
  out = *d;
  return true;
}

bool TableReader::optional_duration(std::string_view key, std::optional<Duration>& out, DurationRule rule) {
  const toml::node* n = node(key);
  if (n == nullptr) return false;
  if (const auto* s = n->as_string(); s != nullptr && s->get() == "off") {
    out.reset();
    return true;
  }
  Duration d{};
  if (!duration(key, d, rule)) return false;
  out = d;
  return true;
}

const toml::node* TableReader::secret(std::string_view key, std::string_view file_key, Secret& out) {
  const toml::node* inline_node = table_.get(key);
  const toml::node* file_node = table_.get(file_key);
  known_.emplace(key);
  known_.emplace(file_key);
  if (inline_node != nullptr && file_node != nullptr) {
    problem_at(*file_node, file_key,
               "\"" + std::string(key) + "\" and \"" + std::string(file_key) + "\" are exclusive: set one");
    return nullptr;
  }
  if (inline_node != nullptr) {
    const auto* s = inline_node->as_string();
    if (s == nullptr) {
      problem_at(*inline_node, key, "expected a string, got " + std::string(type_name(*inline_node)));
      return nullptr;
    }
    out = Secret(s->get());
    return inline_node;
  }
  if (file_node == nullptr) return nullptr;
  std::filesystem::path path;
  if (!file_path(file_key, path, false)) return nullptr;
  std::string text;
  if (auto err = read_text_file(path, text)) {
    problem_at(*file_node, file_key, "cannot read \"" + path.string() + "\": " + *err);
    return nullptr;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) {
    problem_at(*file_node, file_key, "\"" + path.string() + "\" is empty");
    return nullptr;
  }
  out = Secret(std::move(text));
  return file_node;
}

bool TableReader::file_path(std::string_view key, std::filesystem::path& out, bool must_read) {
  std::string text;
  if (!string(key, text)) return false;
  std::filesystem::path p(text);
  if (p.is_relative() && !base_dir_.empty()) p = base_dir_ / p;
  if (must_read) {
    std::string ignored;
    if (auto err = read_text_file(p, ignored)) {
      problem(key, "cannot read \"" + p.string() + "\": " + *err);
      return false;
    }
  }
  out = std::move(p);
  return true;
}

Result<Endpoint, std::string> parse_endpoint(std::string_view text_view) {
  const std::string text(text_view);
  const std::string bad = "bad host:port \"" + text + "\" (expected e.g. \"127.0.0.1:9947\" or \"[::1]:9947\")";
  std::string host;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return fail(bad);
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return fail(bad);
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  const bool host_ok = !host.empty() && std::none_of(host.begin(), host.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '/' || c == '[' || c == ']';
  });
  const bool port_digits = !port_text.empty() && port_text.size() <= 5 &&
                           std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!host_ok || !port_digits) return fail(bad);
  const long port = std::stol(port_text);
  if (port > 65535) return fail("port " + port_text + " is out of range 0..65535");
  return Endpoint{host, static_cast<std::uint16_t>(port)};
}

bool TableReader::endpoint(std::string_view key, Endpoint& out) {
  std::string text;
  if (!string(key, text)) return false;
  auto parsed = parse_endpoint(text);
  if (!parsed) {
    problem(key, parsed.error());
    return false;
  }
  out = std::move(*parsed);
  return true;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) {
    problem(key, "expected a table, got " + std::string(type_name(*n)));
    return nullptr;
  }
  return n->as_table();
}

const toml::array* TableReader::array(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return nullptr;
  if (!n->is_array()) {
    problem(key, "expected an array, got " + std::string(type_name(*n)));
    return nullptr;
  }
  return n->as_array();
}

void TableReader::reject(std::string_view key, const std::string& why) {
  if (const toml::node* n = node(key)) problem_at(*n, key, why);
}

void TableReader::finish() {
  for (auto&& [k, v] : table_) {
    if (!known_.contains(k.str())) {
      diag_.add(k.source(), "unknown key \"" + std::string(k.str()) + "\" in " + label_);
    }
  }
}

}  // namespace bridge::config::detail
