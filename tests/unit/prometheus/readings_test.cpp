// Readings as base-unit gauges: DLMS unit conversion, OBIS labels, removal, the off switch.
#include "bridge/prometheus/readings_collectable.h"

#include <gtest/gtest.h>

#include "exposition_parser.h"

namespace {

using bridge::Reading;
using bridge::RegisterValue;
using bridge::prometheus::ReadingsCollectable;
using bridge::prometheus::TextWriter;

RegisterValue reg(std::string obis, double value, int unit) {
  RegisterValue v;
  v.key = "k";
  v.obis = std::move(obis);
  v.value = value;
  v.unit = unit;
  return v;
}

test_exposition::Parsed scrape(const ReadingsCollectable& c) {
  std::string text;
  TextWriter w(text);
  c.collect(w);
  return test_exposition::parse(text);
}

TEST(ReadingUnitsTest, dlms_units_map_to_base_units) {
  using bridge::prometheus::to_base_unit;
  struct Case {
    int unit;
    std::string_view suffix;
    double factor;
  };
  for (auto c : {Case{35, "volts", 1}, Case{33, "amperes", 1}, Case{27, "watts", 1}, Case{28, "voltamperes", 1},
                 Case{29, "vars", 1}, Case{30, "joules", 3600}, Case{31, "voltampere_seconds", 3600},
                 Case{32, "var_seconds", 3600}, Case{44, "hertz", 1}, Case{56, "ratio", 0.01},
                 Case{9, "celsius", 1}}) {
    auto u = to_base_unit(c.unit, "1-0:1.8.0");
    ASSERT_TRUE(u) << c.unit;
    EXPECT_EQ(u->suffix, c.suffix) << c.unit;
    EXPECT_EQ(u->factor, c.factor) << c.unit;
  }
  EXPECT_FALSE(to_base_unit(0, "1-0:1.8.0"));    // not set
  EXPECT_FALSE(to_base_unit(10, "1-0:1.8.0"));   // currency: no base unit
  EXPECT_FALSE(to_base_unit(300, "1-0:1.8.0"));  // out of range
  // Unitless: a power factor (C = 13/33/53/73, D = 7) is a ratio, anything else a plain value.
  EXPECT_EQ(to_base_unit(255, "1-0:13.7.0")->suffix, "ratio");
  EXPECT_EQ(to_base_unit(255, "1-1:33.7.0.255")->suffix, "ratio");
  EXPECT_EQ(to_base_unit(255, "0-0:96.7.21")->suffix, "value");
  EXPECT_EQ(bridge::prometheus::metric_name("volts"), "dlms_bridge_reading_volts");
}

TEST(ReadingUnitsTest, normalize_obis_drops_f_255_only) {
  using bridge::prometheus::normalize_obis;
  EXPECT_EQ(normalize_obis("1-1:32.7.0.255"), "1-1:32.7.0");
  EXPECT_EQ(normalize_obis("1-1:32.7.0*255"), "1-1:32.7.0");
  EXPECT_EQ(normalize_obis("1-1:32.7.0"), "1-1:32.7.0");
  EXPECT_EQ(normalize_obis("1.1.32.7.0.255"), "1-1:32.7.0");
  EXPECT_EQ(normalize_obis("0-0:96.51.4*2"), "0-0:96.51.4*2");
  EXPECT_EQ(normalize_obis("not-obis"), "not-obis");
}

TEST(ReadingsCollectableTest, values_are_converted_to_base_units_with_meter_and_obis_labels) {
  ReadingsCollectable c;
  Reading r;
  r.meter = "meter-1";
  r.values = {reg("1-1:32.7.0.255", 230.5, 35), reg("1-1:31.7.0", 1.25, 33), reg("1-1:1.8.0", 56281, 30),
              reg("1-1:14.7.0", 60, 44), reg("1-1:1.7.0", 0.5, 27), reg("1-0:13.7.0", 0.97, 255),
              reg("1-0:99.1.0", 12, 56), reg("0-0:1.0.0", 1, 0)};
  c.on_reading(r);
  auto p = scrape(c);
  EXPECT_EQ(p.value("dlms_bridge_reading_volts", {{"meter", "meter-1"}, {"obis", "1-1:32.7.0"}}), 230.5);
  EXPECT_EQ(p.value("dlms_bridge_reading_amperes", {{"obis", "1-1:31.7.0"}}), 1.25);
  EXPECT_EQ(p.value("dlms_bridge_reading_joules", {{"obis", "1-1:1.8.0"}}), 56281.0 * 3600);
  EXPECT_EQ(p.value("dlms_bridge_reading_hertz", {{"obis", "1-1:14.7.0"}}), 60);
  EXPECT_EQ(p.value("dlms_bridge_reading_watts", {{"obis", "1-1:1.7.0"}}), 0.5);
  EXPECT_EQ(p.value("dlms_bridge_reading_ratio", {{"obis", "1-0:13.7.0"}}), 0.97);
  EXPECT_DOUBLE_EQ(p.value("dlms_bridge_reading_ratio", {{"obis", "1-0:99.1.0"}}), 0.12);
  EXPECT_EQ(p.samples.size(), 7u);  // unit 0 (not set) is not exported
  EXPECT_EQ(c.series(), 7u);
  EXPECT_EQ(p.type.at("dlms_bridge_reading_volts"), "gauge");
  EXPECT_NE(p.help.at("dlms_bridge_reading_joules").find("as of the last poll"), std::string::npos);
  EXPECT_FALSE(p.help.count("dlms_bridge_reading_celsius"));  // no samples, no family
}

TEST(ReadingsCollectableTest, a_newer_reading_replaces_the_value) {
  ReadingsCollectable c;
  Reading r;
  r.meter = "m";
  r.values = {reg("1-1:32.7.0", 230, 35)};
  c.on_reading(r);
  r.values[0].value = 231;
  c.on_reading(r);
  EXPECT_EQ(scrape(c).value("dlms_bridge_reading_volts", {{"meter", "m"}}), 231);
  EXPECT_EQ(c.series(), 1u);
}

TEST(ReadingsCollectableTest, remove_meter_drops_only_that_meter) {
  ReadingsCollectable c;
  for (const char* id : {"a", "b"}) {
    Reading r;
    r.meter = id;
    r.values = {reg("1-1:32.7.0", 230, 35)};
    c.on_reading(r);
  }
  c.remove_meter("a");
  auto p = scrape(c);
  EXPECT_TRUE(p.find("dlms_bridge_reading_volts", {{"meter", "a"}}).empty());
  EXPECT_EQ(p.find("dlms_bridge_reading_volts", {{"meter", "b"}}).size(), 1u);
}

TEST(ReadingsCollectableTest, disabled_exports_nothing_and_ignores_readings) {
  ReadingsCollectable c;
  Reading r;
  r.meter = "m";
  r.values = {reg("1-1:32.7.0", 230, 35)};
  c.on_reading(r);
  c.set_enabled(false);
  EXPECT_EQ(c.series(), 0u);
  c.on_reading(r);
  EXPECT_TRUE(scrape(c).samples.empty());
  c.set_enabled(true);
  c.on_reading(r);
  EXPECT_EQ(scrape(c).samples.size(), 1u);
}

TEST(ReadingsCollectableTest, families_are_contiguous_across_meters) {
  ReadingsCollectable c;
  for (const char* id : {"a", "b"}) {
    Reading r;
    r.meter = id;
    r.values = {reg("1-1:32.7.0", 230, 35), reg("1-1:31.7.0", 1, 33)};
    c.on_reading(r);
  }
  std::string text;
  TextWriter w(text);
  c.collect(w);
  // Two families, each with one HELP/TYPE header and both meters' samples after it.
  EXPECT_EQ(text.find("# TYPE dlms_bridge_reading_volts"), text.rfind("# TYPE dlms_bridge_reading_volts"));
  auto volts_header = text.find("# TYPE dlms_bridge_reading_volts");
  auto amperes_header = text.find("# TYPE dlms_bridge_reading_amperes");
  auto last_volt = text.rfind("dlms_bridge_reading_volts{");
  auto first_volt = text.find("dlms_bridge_reading_volts{");
  EXPECT_GT(first_volt, volts_header);
  EXPECT_TRUE(last_volt < amperes_header || first_volt > amperes_header);
}

}  // namespace
