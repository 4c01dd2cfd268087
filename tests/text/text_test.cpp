#include <catch2/catch.hpp>

#include "text/ascii.hpp"
#include "text/percent_encoding.hpp"
#include "text/utf8.hpp"

using namespace agenthost::text;

TEST_CASE("iequals ignores the case of ASCII letters only") {
  CHECK(iequals("Bearer", "bEARER"));
  CHECK(iequals("", ""));
  CHECK_FALSE(iequals("Bearer", "Bearer "));
  CHECK_FALSE(iequals("[", "{"));                // 0x5B and 0x7B differ by 32 but are not letters
  CHECK_FALSE(iequals("\xC3\x89", "\xC3\xA9"));  // É and é: not ASCII
}

TEST_CASE("utf8_prefix never splits a character") {
  CHECK(utf8_prefix("abc", 5) == "abc");
  CHECK(utf8_prefix("abcdef", 3) == "abc");
  // "é" is two bytes: a cut through it backs up before it.
  CHECK(utf8_prefix("a\xC3\xA9z", 2) == "a");
  CHECK(utf8_prefix("a\xC3\xA9z", 3) == "a\xC3\xA9");
  CHECK(utf8_prefix("\xF0\x9F\x98\x80", 3).empty());
}

TEST_CASE("percent_decode decodes escapes and refuses bad ones and NUL") {
  CHECK(percent_decode("p%40ss%2Fw", false) == "p@ss/w");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("%41%6a", false) == "Aj");
  CHECK_FALSE(percent_decode("%", false));
  CHECK_FALSE(percent_decode("%4", false));
  CHECK_FALSE(percent_decode("abc%", false));
  CHECK_FALSE(percent_decode("%zz", false));
  CHECK_FALSE(percent_decode("%00", false));
}
