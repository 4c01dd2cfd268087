#include "logging/json_formatter.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <chrono>
#include <ctime>

namespace agenthost::logging {

namespace {

void append(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.append(s.data(), s.data() + s.size());
}

void append_timestamp(spdlog::memory_buf_t& dest, spdlog::log_clock::time_point tp) {
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(tp);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp - secs).count();
  const std::time_t t = spdlog::log_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  append(dest, std::string_view(buf, n));
  fmt::format_to(std::back_inserter(dest), ".{:03}Z", ms);
}

}  // namespace

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  append(dest, R"({"ts":")");
  append_timestamp(dest, msg.time);
  append(dest, R"(","level":")");
  const auto level = spdlog::level::to_string_view(msg.level);
  append(dest, std::string_view(level.data(), level.size()));
  fmt::format_to(std::back_inserter(dest), R"(","thread":{},"msg":)", msg.thread_id);
  append(dest, boost::json::serialize(
                   boost::json::string(std::string_view(msg.payload.data(), msg.payload.size()))));
  append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>();
}

}  // namespace agenthost::logging
