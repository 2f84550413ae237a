// Damaged configs (truncated, bytes flipped) never crash the loader, and every problem it
// reports still carries a usable position. A cheap stand-in for a fuzzer run in ctest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "bridge/config/config.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_well_formed(const bridge::config::LoadResult& r, const std::string& what) {
  if (r) return;
  ASSERT_FALSE(r.error().empty()) << what;
  for (const auto& e : r.error()) {
    EXPECT_GE(e.line, 1) << what << ": " << e.to_string();
    EXPECT_GE(e.column, 1) << what << ": " << e.to_string();
    EXPECT_FALSE(e.message.empty()) << what;
  }
}

TEST(ConfigRobustnessTest, truncated_and_mutated_examples_load_or_fail_cleanly) {
  const fs::path dir = fs::path(DLMS_BRIDGE_SOURCE_DIR) / "config";
  std::mt19937 rng(20261126);  // fixed seed: failures are reproducible
  const std::string noise = "=[]{}\"'.,#\n -0123456789abcxyz_:*\\";
  int loads = 0;
  for (const char* name : {"demo.toml", "microstar.toml", "production.example.toml"}) {
    const std::string text = slurp(dir / name);
    ASSERT_FALSE(text.empty()) << name;
    for (std::size_t cut = 0; cut < text.size(); cut += 13) {
      expect_well_formed(bridge::config::load_string(text.substr(0, cut), name, dir), std::string(name) + " cut");
      ++loads;
    }
    for (int i = 0; i < 300; ++i) {
      std::string mutated = text;
      for (int k = 0; k < 3; ++k) {
        mutated[rng() % mutated.size()] = noise[rng() % noise.size()];
      }
      expect_well_formed(bridge::config::load_string(mutated, name, dir), std::string(name) + " mutation");
      ++loads;
    }
  }
  EXPECT_GT(loads, 1000);
}

}  // namespace
