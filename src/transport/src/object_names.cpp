#include "bridge/transport/object_names.h"

#include <cctype>
#include <charconv>
#include <string_view>

namespace bridge::transport {
namespace {

// Abstract (A = 0) and a few electricity objects that are named as a whole.
struct Named {
  std::array<int, 5> abcde;  // -1 = any
  std::string_view text;
};
constexpr Named kNamed[] = {
    {{0, 0, 40, 0, 0}, "Association LN (current association)"},
    {{0, 0, 40, 0, -1}, "Association LN"},
    {{0, 0, 41, 0, 0}, "SAP assignment"},
    {{0, 0, 42, 0, 0}, "COSEM logical device name"},
    {{0, 0, 1, 0, 0}, "Clock"},
    {{0, 0, 96, 1, 0}, "Meter serial number"},
    {{0, 0, 96, 1, -1}, "Device identifier"},
    {{0, 0, 96, 2, 0}, "Number of configuration program changes"},
    {{0, 0, 96, 2, 1}, "Date of last configuration change"},
    {{0, 0, 96, 14, 0}, "Currently active tariff"},
    {{0, 0, 96, 20, 5}, "Terminal cover open event count"},
    {{0, 0, 96, 20, 6}, "Terminal cover open timestamp"},
    {{0, 0, 96, 51, 4}, "Meter cover open timestamp"},
    {{0, 0, 97, 97, 0}, "Error code"},
    {{0, 0, 99, 98, -1}, "Event log"},
    {{0, 0, 10, 138, 103}, "LED alarm control (manufacturer specific)"},
    {{0, 0, 240, 23, 0}, "Timing task start date-time (manufacturer specific)"},
    {{0, 0, 240, 26, 0}, "Event alarm control (manufacturer specific)"},
    {{0, 0, 240, 26, -1}, "Event log trigger events (manufacturer specific)"},
    {{1, -1, 0, 0, 0}, "Meter serial number"},
    {{1, -1, 0, 1, 0}, "Billing period counter"},
    {{1, -1, 0, 1, 2}, "Time stamp of the most recent billing period"},
    {{1, -1, 0, 3, 3}, "Meter constant, active"},
    {{1, -1, 0, 3, 4}, "Meter constant, reactive"},
    {{1, -1, 0, 4, 2}, "CT ratio, primary"},
    {{1, -1, 0, 4, 3}, "VT ratio, primary"},
    {{1, -1, 0, 4, 5}, "CT ratio, secondary"},
    {{1, -1, 0, 4, 6}, "VT ratio, secondary"},
    {{1, -1, 99, 1, 0}, "Load profile"},
    {{1, -1, 99, 2, 0}, "Load profile 2"},
    {{1, -1, 13, 7, 0}, "Power factor, instantaneous"},
    {{1, -1, 14, 7, 0}, "Supply frequency"},
    {{1, -1, 15, 7, 0}, "Total active power (abs), instantaneous"},
};

// Electricity quantity by group C (sum over phases when C < 20; phase L1/L2/L3 at base 20/40/60).
std::string_view quantity(int c) {
  switch (c) {
    case 1: return "Active power import (+P)";
    case 2: return "Active power export (-P)";
    case 3: return "Reactive power import (+Q)";
    case 4: return "Reactive power export (-Q)";
    case 9: return "Apparent power import (+S)";
    case 10: return "Apparent power export (-S)";
    case 11: return "Current";
    case 12: return "Voltage";
    case 13: return "Power factor";
    case 14: return "Frequency";
    default: return {};
  }
}

// Energy variant of the same quantity (D = 8, 9: time integrals).
std::string_view energy(int c) {
  switch (c) {
    case 1: return "Active energy import (+A)";
    case 2: return "Active energy export (-A)";
    case 3: return "Reactive energy import (+R)";
    case 4: return "Reactive energy export (-R)";
    case 9: return "Apparent energy import";
    case 10: return "Apparent energy export";
    default: return {};
  }
}

std::string rate(int e) { return e == 0 ? "total" : "rate " + std::to_string(e); }

bool matches(const Named& n, const LogicalName& ln) {
  for (std::size_t i = 0; i < 5; ++i) {
    if (n.abcde[i] >= 0 && n.abcde[i] != ln[i]) return false;
  }
  return true;
}

}  // namespace

std::string obis_text(const LogicalName& ln) {
  // Called once per register read: one small string, no temporaries.
  char buf[32];
  char* p = buf;
  const char separators[] = {'-', ':', '.', '.', '*'};
  const int groups = ln[5] != 255 ? 6 : 5;
  for (int i = 0; i < groups; ++i) {
    if (i > 0) *p++ = separators[i - 1];
    p = std::to_chars(p, buf + sizeof buf, ln[static_cast<std::size_t>(i)]).ptr;
  }
  return std::string(buf, p);
}

std::string_view class_name(int class_id) {
  switch (class_id) {
    case 1: return "Data";
    case 3: return "Register";
    case 4: return "Extended register";
    case 5: return "Demand register";
    case 7: return "Profile generic";
    case 8: return "Clock";
    case 9: return "Script table";
    case 11: return "Special days table";
    case 15: return "Association LN";
    case 17: return "SAP assignment";
    case 18: return "Image transfer";
    case 20: return "Activity calendar";
    case 21: return "Register monitor";
    case 22: return "Single action schedule";
    case 23: return "IEC HDLC setup";
    case 40: return "Push setup";
    case 41: return "TCP-UDP setup";
    case 42: return "IPv4 setup";
    case 64: return "Security setup";
    case 70: return "Disconnect control";
    case 71: return "Limiter";
    default: return {};
  }
}

std::string describe_object(const LogicalName& ln) {
  for (const auto& n : kNamed) {
    if (matches(n, ln)) {
      std::string text(n.text);
      if (ln[5] != 255 && n.abcde[0] == 1) text += ", historical value " + std::to_string(ln[5]);
      return text;
    }
  }
  if (ln[0] != 1 || ln[2] == 0 || ln[2] > 80) {
    // Angles (C = 81) and everything else of electricity we do not spell out.
    if (ln[0] == 1 && ln[2] == 81) return "Phase angle";
    return {};
  }
  const int c = ln[2];
  const int d = ln[3];
  const int e = ln[4];
  std::string phase;
  int base = c;
  if (c > 20) {
    const int p = (c - 1) / 20;  // 21..40 -> L1, 41..60 -> L2, 61..80 -> L3
    phase = "Phase L" + std::to_string(p) + " ";
    base = c - 20 * p;
  }
  std::string what;
  switch (d) {
    case 7: what = std::string(quantity(base)); if (!what.empty()) what += ", instantaneous"; break;
    case 8: what = std::string(energy(base)); if (!what.empty()) what += ", " + rate(e); break;
    case 9: what = std::string(energy(base)); if (!what.empty()) what += ", monthly consumption " + rate(e); break;
    case 2: what = std::string(quantity(base)); if (!what.empty()) what += ", cumulative maximum demand " + rate(e); break;
    case 16: what = std::string(quantity(base)); if (!what.empty()) what += ", rising demand"; break;
    case 0: if (base == 13) what = "Power factor, monthly average " + rate(e); break;
    default: break;
  }
  if (what.empty()) return {};
  if (!phase.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  if (ln[5] != 255) what += ", historical value " + std::to_string(ln[5]);
  return phase + what;
}

}  // namespace bridge::transport
