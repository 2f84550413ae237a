#pragma once
// Appends Prometheus text exposition format 0.0.4 to a string. Our per-meter families and the
// readings are written with this directly instead of going through prometheus-cpp's
// Collect()/TextSerializer: at 10,000 meters that path allocates one ClientMetric with label
// copies per series (~410k series) and takes over a second per scrape (bench/results/scrape.md).
#include <string>
#include <string_view>

namespace bridge::prometheus {

class FamilyFilter;

class TextWriter {
 public:
  // With a filter ([http] metric_allowlist / metric_denylist), a family the filter does not serve
  // is left out whole: family() writes nothing and the sample() / raw() calls after it, up to the
  // next family(), are dropped. The filter must outlive the writer.
  explicit TextWriter(std::string& out, const FamilyFilter* filter = nullptr) : out_(out), filter_(filter) {}

  // "# HELP name help\n# TYPE name type\n" (help text escaped). False when the filter drops the
  // family (callers may skip computing its samples).
  bool family(std::string_view name, std::string_view help, std::string_view type);
  // Whether family(name, ...) would write anything: lets a collector skip formatting a family
  // that is dropped anyway.
  bool serves(std::string_view name) const;
  // "name{label_body} value\n"; label_body is pre-escaped (`a="x",b="y"`) and may be empty.
  void sample(std::string_view name, std::string_view label_body, double value);
  // "name{label_body,extra} value\n": extra is a second pre-escaped label list (may be empty).
  void sample(std::string_view name, std::string_view label_body, std::string_view extra, double value);
  // Appends raw, already formatted text (e.g. TextSerializer output, or the samples of the last
  // family()).
  void raw(std::string_view text) {
    if (!skipping_) out_.append(text);
  }

  std::string& out() { return out_; }

  // `name="escaped value"` for use as (part of) a label body.
  static std::string label(std::string_view name, std::string_view value);
  // Label value escaping: backslash, double quote and newline.
  static void append_label_value(std::string& out, std::string_view value);
  // Shortest round-trip representation; NaN, +Inf, -Inf as the format spells them.
  static void append_value(std::string& out, double value);

 private:
  std::string& out_;
  const FamilyFilter* filter_ = nullptr;
  bool skipping_ = false;  // the last family() was dropped by the filter
};

}  // namespace bridge::prometheus
