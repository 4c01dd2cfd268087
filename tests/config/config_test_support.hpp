#pragma once

// Helpers for the config tests: unique temp dirs, files in them, environment variables set
// for one test, and loading YAML that is expected to be refused.

#include <stdlib.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/host_config.hpp"
#include "support/temp_dir.hpp"

namespace agenthost::config::test {

/// The tests' one temp dir (tests/support/temp_dir.hpp).
using agenthost::testing::TempDir;

/// Sets (or unsets) one environment variable for the scope, restoring it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (const char* old = ::getenv(name_.c_str())) old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

inline constexpr const char* kTestFile = "test.yaml";
inline constexpr const char* kTestBaseDir = "/srv/agenthost-test";

/// Loads YAML text that must load.
inline HostConfig load(std::string_view yaml) {
  return load_config_string(yaml, kTestFile, kTestBaseDir);
}

/// Loads YAML text that must be refused, and returns the problems reported.
inline std::vector<ConfigIssue> issues_of(std::string_view yaml) {
  try {
    load_config_string(yaml, kTestFile, kTestBaseDir);
  } catch (const ConfigError& e) {
    REQUIRE_FALSE(e.issues().empty());
    return e.issues();
  }
  FAIL("the configuration was accepted:\n" << yaml);
  return {};
}

/// The one problem reported for YAML text that must be refused for exactly one reason.
inline ConfigIssue only_issue(std::string_view yaml) {
  const auto issues = issues_of(yaml);
  INFO("issues:\n" << ConfigError(issues).what());
  REQUIRE(issues.size() == 1);
  return issues.front();
}

}  // namespace agenthost::config::test
