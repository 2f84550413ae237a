#include "profile_output.h"

#include <cstdio>

namespace bridge::app {
namespace {

// "active_energy [kWh]", "time"
std::string heading(const ProfileColumn& c) {
  return c.unit_symbol.empty() || c.name == "time" ? c.name : c.name + " [" + c.unit_symbol + "]";
}

// Enough decimals for the scaler and the unit conversion, no float noise.
std::string number_text(double v, const ProfileColumn& c) {
  int decimals = c.scaler < 0 ? -c.scaler : 0;
  if (c.factor < 1) decimals += 3;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string cell_text(const ProfileCell& cell, const ProfileColumn& c) {
  return cell.number ? number_text(*cell.number, c) : cell.text;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

std::string profile_text(const ProfileTable& table) {
  std::vector<std::size_t> widths;
  for (const auto& c : table.columns) widths.push_back(heading(c).size());
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      widths[i] = std::max(widths[i], cell_text(row.cells[i], table.columns[i]).size());
    }
  }
  auto line = [&](auto text_of) {
    std::string out;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const std::string t = text_of(i);
      out += (i ? "  " : "") + t + std::string(i + 1 < table.columns.size() ? widths[i] - t.size() : 0, ' ');
    }
    return out + "\n";
  };
  std::string out = line([&](std::size_t i) { return heading(table.columns[i]); });
  for (const auto& row : table.rows) {
    out += line([&](std::size_t i) { return cell_text(row.cells[i], table.columns[i]); });
  }
  return out;
}

std::string profile_csv(const ProfileTable& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) out += (i ? "," : "") + csv_field(heading(table.columns[i]));
  out += "\n";
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      out += (i ? "," : "") + csv_field(cell_text(row.cells[i], table.columns[i]));
    }
    out += "\n";
  }
  return out;
}

nlohmann::json profile_json(const ProfileTable& table) {
  nlohmann::json j;
  j["obis"] = table.obis;
  j["capture_period_s"] = table.capture_period;
  j["selection"] = table.selection;
  auto& columns = j["columns"] = nlohmann::json::array();
  for (const auto& c : table.columns) {
    columns.push_back({{"name", c.name},
                       {"obis", c.obis},
                       {"class", c.object.class_id},
                       {"attribute", c.object.attribute},
                       {"scaler", c.scaler},
                       {"unit_code", c.unit},
                       {"unit", c.unit_symbol}});
  }
  auto& rows = j["rows"] = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json r = nlohmann::json::object();
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      const auto& cell = row.cells[i];
      r[table.columns[i].name] = cell.number ? nlohmann::json(*cell.number) : nlohmann::json(cell.text);
    }
    rows.push_back(std::move(r));
  }
  return j;
}

}  // namespace bridge::app
