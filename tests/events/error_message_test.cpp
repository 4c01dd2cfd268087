#include <catch2/catch.hpp>

#include <string>

#include "events/sanitizer.hpp"

namespace ev = agenthost::events;

TEST_CASE("absolute paths keep only their last component", "[sanitizer][error_message]") {
  using ev::sanitize_error_message;
  CHECK(sanitize_error_message("failed in /home/x/src/foo.cpp") == "failed in <path>/foo.cpp");
  CHECK(sanitize_error_message("/home/x/src/foo.cpp:42: bad") == "<path>/foo.cpp:42: bad");
  CHECK(sanitize_error_message("open('/etc/agenthost/secret.yaml')") ==
        "open('<path>/secret.yaml')");
  CHECK(sanitize_error_message("see ~/work/notes.md") == "see <path>/notes.md");
  CHECK(sanitize_error_message(R"(at C:\Users\bob\agent.py, line 3)") ==
        "at <path>/agent.py, line 3");
  CHECK(sanitize_error_message("dir /var/lib/agenthost/ missing") == "dir <path>/ missing");
  CHECK(sanitize_error_message("a (/tmp/x/y) and [/opt/a/b]") == "a (<path>/y) and [<path>/b]");
}

TEST_CASE("things that are not absolute paths stay", "[sanitizer][error_message]") {
  using ev::sanitize_error_message;
  for (const std::string text :
       {"and/or 1/2 done", "GET https://api.example.com/v1/items failed", "root / is full",
        "/tmp is full", "relative src/foo.cpp stays", "ratio 3/4"}) {
    INFO(text);
    CHECK(sanitize_error_message(text) == text);
  }
}

TEST_CASE("inline credentials are redacted", "[sanitizer][error_message]") {
  using ev::sanitize_error_message;
  CHECK(sanitize_error_message("connect failed: host=db password=hunter2 port=5432") ==
        "connect failed: host=db password=[REDACTED] port=5432");
  CHECK(sanitize_error_message("bad api_key='sk live 1', retry") ==
        "bad api_key=[REDACTED], retry");
  CHECK(sanitize_error_message("header Authorization: Bearer abc.def rejected") ==
        "header Authorization: [REDACTED] rejected");
  CHECK(sanitize_error_message("postgresql://bob:s3cret@db:5432/app refused") ==
        "postgresql://[REDACTED]@db:5432/app refused");
  CHECK(sanitize_error_message("keyword=weather max_tokens=10 user@example.com") ==
        "keyword=weather max_tokens=10 user@example.com");
}

TEST_CASE("error messages are cut at 300 bytes by default", "[sanitizer][error_message]") {
  const std::string text(1000, 'e');
  const std::string out = ev::sanitize_error_message(text);
  CHECK(out == std::string(300, 'e') + "...(truncated)");
  CHECK(ev::sanitize_error_message(std::string(300, 'e')) == std::string(300, 'e'));
  CHECK(ev::sanitize_error_message(text, 10) == std::string(10, 'e') + "...(truncated)");
}
