// The test support's backend rule: without a PostgreSQL test cluster its tests are
// skipped with a warning, except in CI, where that is a failure.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "database_test_support.hpp"

TEST_CASE("the PostgreSQL tests are skipped with a warning, but fail under CI=true",
          "[database][support]") {
  using agenthost::database::test::backends_for;
  CHECK(backends_for("postgresql://u@h/db", "true") ==
        std::vector<std::string>{"sqlite3", "postgresql"});
  CHECK(backends_for(nullptr, nullptr) == std::vector<std::string>{"sqlite3"});
  CHECK(backends_for("", "false") == std::vector<std::string>{"sqlite3"});
  CHECK_THROWS_WITH(backends_for(nullptr, "true"),
                    Catch::StartsWith("AGENTHOST_TEST_PG_URL is not set and CI=true"));
  CHECK_THROWS_WITH(backends_for("", "true"), Catch::Contains("must run in CI"));
}
