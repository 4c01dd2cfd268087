#include <catch2/catch.hpp>

#include "database/database_error.hpp"
#include "database/database_url.hpp"

using namespace agenthost::database;

TEST_CASE("database URLs mask their passwords", "[database][url]") {
  CHECK(mask_database_url("postgresql://alice:s3cret@db.example:5432/host") ==
        "postgresql://alice:***@db.example:5432/host");
  CHECK(mask_database_url("postgresql://alice@db/host?password=s3cret&sslmode=require") ==
        "postgresql://alice@db/host?password=***&sslmode=require");
  CHECK(mask_database_url("postgresql://alice@db/host") == "postgresql://alice@db/host");
  CHECK(mask_database_url("sqlite:/var/lib/agenthost/host.db") ==
        "sqlite:/var/lib/agenthost/host.db");
  CHECK(scrub_secrets("could not connect with p%40ss and p@ss", {"p%40ss"}) ==
        "could not connect with *** and ***");
}

TEST_CASE("database URLs select the backend", "[database][url]") {
  auto lite = parse_database_url("sqlite:/tmp/x/host.db");
  CHECK(lite.backend == "sqlite3");
  CHECK(lite.sqlite_path == "/tmp/x/host.db");
  CHECK(parse_database_url("sqlite:///tmp/x/host.db").sqlite_path == "/tmp/x/host.db");

  auto pg = parse_database_url("postgres://bob:pw@127.0.0.1:5/db");
  CHECK(pg.backend == "postgresql");
  CHECK(pg.connect_string == "user='bob' password='pw' host='127.0.0.1' port='5' dbname='db'");
  // SOCI 4.0 re-splits the connect string on blanks: values with blanks are quoted.
  CHECK(parse_database_url("postgresql://u%20x@[::1]:7,other/d%2Fb?options=-c%20a%3Db&ssl=true")
            .connect_string ==
        "user=\"'u x'\" host='::1,other' port='7,' dbname='d/b' options=\"'-c a=b'\" "
        "sslmode='require'");
  CHECK(parse_database_url("postgresql:///agenthost?host=/run/pg").connect_string ==
        "dbname='agenthost' host='/run/pg'");
  CHECK(parse_database_url("postgresql://it's@h/d").connect_string ==
        "user='it\\'s' host='h' dbname='d'");
  CHECK(pg.masked == "postgres://bob:***@127.0.0.1:5/db");

  CHECK_THROWS_WITH(parse_database_url(""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(parse_database_url("mysql://root:hunter2@db/x"),
                    Catch::Contains("unsupported") && !Catch::Contains("hunter2"));
  CHECK_THROWS_AS(parse_database_url("sqlite:"), DatabaseError);
}
