#include "sim/scenario.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "sim/fleet.h"

namespace sim {
namespace {

using bridge::fail;

std::string where(std::string_view source, const toml::source_region& r) {
  return std::string(source) + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  void error(const toml::node& node, const std::string& message) {
    errors_ += where(source_, node.source()) + ": " + message + "\n";
  }
  const std::string& errors() const { return errors_; }

  std::optional<FaultValue> fault_value(const toml::node& node, std::string_view key) {
    if (auto b = node.as_boolean()) return FaultValue::of(b->get());
    if (auto i = node.as_integer()) return FaultValue::of(static_cast<std::int64_t>(i->get()));
    if (auto f = node.as_floating_point()) return FaultValue::of(f->get());
    if (auto s = node.as_string()) return FaultValue::of(s->get());
    error(node, std::string(key) + ": unsupported value type");
    return std::nullopt;
  }

  // Reads one fault key into `out` after checking it against a scratch FaultSettings, so the
  // error points at the value in the file.
  void fault(const toml::node& node, std::string_view key, FaultAssignments& out) {
    auto value = fault_value(node, key);
    if (!value) return;
    FaultSettings scratch;
    if (auto r = apply_fault(scratch, key, *value); !r) {
      error(node, r.error());
      return;
    }
    out.emplace_back(std::string(key), *value);
  }

  void passwords(const toml::node& node, std::map<std::uint8_t, std::string>& out) {
    const auto* table = node.as_table();
    if (!table) {
      error(node, "passwords: expected a table of \"SAP\" = \"password\"");
      return;
    }
    for (const auto& [key, value] : *table) {
      int sap = -1;
      try {
        std::size_t used = 0;
        sap = std::stoi(std::string(key.str()), &used);
        if (used != key.str().size()) sap = -1;
      } catch (const std::exception&) {
        sap = -1;
      }
      if (sap < 0 || sap > 127) {
        error(value, "passwords: key \"" + std::string(key.str()) + "\" is not a client SAP 0..127");
        continue;
      }
      const auto* text = value.as_string();
      if (!text) {
        error(value, "passwords: value for SAP " + std::to_string(sap) + " must be a string");
        continue;
      }
      if (text->get().size() > 16) {
        error(value, "passwords: LLS passwords are at most 16 bytes");
        continue;
      }
      out[static_cast<std::uint8_t>(sap)] = text->get();
    }
  }

  std::optional<std::uint32_t> meter_id(const toml::node& node) {
    const auto* i = node.as_integer();
    if (!i || i->get() < 1 || i->get() > 65535) {
      error(node, "meter id must be an integer 1..65535");
      return std::nullopt;
    }
    return static_cast<std::uint32_t>(i->get());
  }

  void meter(const toml::table& table, Scenario& scenario) {
    ScenarioMeter m;
    m.where = where(source_, table.source());
    bool has_ids = false;
    for (const auto& [key, value] : table) {
      auto k = key.str();
      if (k == "id") {
        if (auto id = meter_id(value)) m.ids.push_back(*id);
        has_ids = true;
      } else if (k == "ids") {
        const auto* array = value.as_array();
        if (!array) {
          error(value, "ids: expected an array of meter ids");
          continue;
        }
        for (const auto& item : *array) {
          if (auto id = meter_id(item)) m.ids.push_back(*id);
        }
        has_ids = true;
      } else if (k == "range") {
        const auto* array = value.as_array();
        if (!array || array->size() != 2) {
          error(value, "range: expected [first, last]");
          continue;
        }
        auto first = meter_id(*array->get(0));
        auto last = meter_id(*array->get(1));
        if (first && last) {
          if (*first > *last) {
            error(value, "range: first is after last");
          } else {
            for (auto id = *first; id <= *last; ++id) m.ids.push_back(id);
          }
        }
        has_ids = true;
      } else if (k == "passwords") {
        passwords(value, m.passwords);
      } else {
        fault(value, k, m.faults);
      }
    }
    if (!has_ids) error(table, "[[meter]] needs id, ids or range");
    scenario.meters.push_back(std::move(m));
  }

  Scenario parse(const toml::table& root) {
    Scenario s;
    for (const auto& [key, value] : root) {
      auto k = key.str();
      if (k == "seed") {
        const auto* i = value.as_integer();
        if (!i || i->get() < 0) {
          error(value, "seed: expected a non-negative integer");
        } else {
          s.seed = static_cast<std::uint64_t>(i->get());
        }
      } else if (k == "defaults") {
        const auto* table = value.as_table();
        if (!table) {
          error(value, "defaults: expected a table of fault keys");
          continue;
        }
        for (const auto& [fk, fv] : *table) fault(fv, fk.str(), s.defaults);
      } else if (k == "passwords") {
        passwords(value, s.passwords);
      } else if (k == "meter") {
        const auto* array = value.as_array();
        if (!array || !array->is_array_of_tables()) {
          error(value, "meter: expected [[meter]] tables");
          continue;
        }
        for (const auto& item : *array) meter(*item.as_table(), s);
      } else {
        error(value, "unknown key \"" + std::string(k) + "\"");
      }
    }
    return s;
  }

 private:
  std::string_view source_;
  std::string errors_;
};

}  // namespace

bridge::Result<Scenario, std::string> parse_scenario(std::string_view text, std::string_view source_name) {
  // Debian's toml++ is built with exceptions: a syntax error is a toml::parse_error.
  toml::table parsed;
  try {
    parsed = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return fail(where(source_name, e.source()) + ": " + std::string(e.description()));
  }
  Parser parser(source_name);
  Scenario scenario = parser.parse(parsed);
  if (!parser.errors().empty()) {
    auto errors = parser.errors();
    errors.pop_back();  // trailing newline
    return fail(errors);
  }
  return scenario;
}

bridge::Result<Scenario, std::string> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path + ": cannot open scenario file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

bridge::Result<void, std::string> apply_scenario(const Scenario& scenario, Fleet& fleet) {
  for (const auto& m : scenario.meters) {
    for (auto id : m.ids) {
      if (!fleet.find(id)) {
        return fail(m.where + ": meter " + std::to_string(id) + " is not in the fleet (1.." +
                    std::to_string(fleet.size()) + ")");
      }
    }
  }
  for (std::uint32_t id = 1; id <= fleet.size(); ++id) {
    Meter& meter = *fleet.find(id);
    for (const auto& [key, value] : scenario.defaults) (void)apply_fault(meter.faults(), key, value);
    for (const auto& [sap, password] : scenario.passwords) meter.profile().passwords[sap] = password;
  }
  for (const auto& m : scenario.meters) {
    for (auto id : m.ids) {
      Meter& meter = *fleet.find(id);
      for (const auto& [key, value] : m.faults) (void)apply_fault(meter.faults(), key, value);
      for (const auto& [sap, password] : m.passwords) meter.profile().passwords[sap] = password;
    }
  }
  return {};
}

}  // namespace sim
