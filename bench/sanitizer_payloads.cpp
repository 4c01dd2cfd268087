#include "sanitizer_payloads.hpp"

#include <boost/json/array.hpp>

#include <string>

namespace agenthost::bench {
namespace {

// Text that looks like prose (not one repeated character), `bytes` long.
std::string prose(std::size_t bytes, unsigned seed) {
  static constexpr const char* kWords[] = {"invoice", "customer", "contract",    "amount",
                                           "billing", "period",   "discrepancy", "review",
                                           "the",     "of",       "and",         "ticket"};
  std::string out;
  unsigned state = seed * 2654435761u + 1;
  while (out.size() < bytes) {
    state = state * 1103515245u + 12345u;
    out += kWords[(state >> 16) % 12];
    out += ' ';
  }
  out.resize(bytes);
  return out;
}

boost::json::object document(unsigned i) {
  boost::json::array scores;
  for (unsigned k = 0; k < 30; ++k) scores.push_back(static_cast<double>((i * 31 + k) % 97) / 97);
  return boost::json::object{{"id", "doc-" + std::to_string(i)},
                             {"title", prose(60, i)},
                             {"body", prose(1800, i + 100)},
                             {"api_key", "sk-live-" + std::to_string(1000000 + i)},
                             {"metadata",
                              {{"author", "analyst " + std::to_string(i)},
                               {"accessToken", "eyJhbGciOiJIUzI1NiJ9.payload" + std::to_string(i)},
                               {"tokens_used", 100 + i},
                               {"key_points", {"first point", "second point", "third point"}}}},
                             {"scores", std::move(scores)}};
}

}  // namespace

boost::json::object typical_payload() {
  return boost::json::object{
      {"thought", "Comparing the customer's last three invoices with the contract rate"},
      {"step", 3},
      {"total_steps", 7},
      {"tokens_used", 412},
      {"model", "claude-3-haiku"},
      {"confidence", 0.82},
      {"tags", {"billing", "invoice", "follow_up"}},
      {"source", {{"system", "crm"}, {"record", "INV-2024-03-118"}, {"page", 2}}}};
}

boost::json::object large_payload() {
  boost::json::array documents;
  for (unsigned i = 0; i < 30; ++i) documents.push_back(document(i));
  boost::json::array log_lines;
  for (unsigned i = 0; i < 200; ++i) log_lines.push_back(boost::json::value(prose(48, 1000 + i)));
  boost::json::object nested{{"value", prose(40, 7)}};
  for (int depth = 0; depth < 20; ++depth)  // deeper than max_depth (16)
    nested = boost::json::object{{"level", depth}, {"password", "hunter2"}, {"child", nested}};
  return boost::json::object{
      {"summary", prose(4000, 1)},
      {"documents", std::move(documents)},
      {"log_lines", std::move(log_lines)},
      {"config",
       {{"password", "correct horse battery staple"},
        {"client_secret", "s3cr3t-value"},
        {"refresh_token", "rt-0123456789abcdef"},
        {"max_tokens", 4096},
        {"tree", std::move(nested)}}},
      {"error_message",
       "could not read /home/agent/.config/crm/credentials.yaml (api_key=sk-live-999 "
       "rejected by https://bot:pa55@crm.example.com/v2/invoices): " +
           prose(600, 3)},
      {"_internal", {{"raw_prompt", prose(2000, 4)}}},
      {"debug_info", {{"trace", prose(2000, 5)}}}};
}

}  // namespace agenthost::bench
