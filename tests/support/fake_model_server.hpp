#pragma once
/// \file
/// The stand-in model server (tests/support/fake_model_server.py, an
/// OpenAI-compatible chat-completions server for tests) as a child process on port 0,
/// with its counters. See the script for the directives that choose its behaviour.

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/test_client.hpp"
#include "support/child_process.hpp"

namespace agenthost::testing {

class FakeModelServer {
 public:
  /// Starts the server; `extra_args` e.g. {"--api-key", "k"}.
  explicit FakeModelServer(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  AGENTHOST_SOURCE_DIR "/tests/support/fake_model_server.py"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    static const std::regex listening(R"(listening on port ([0-9]+))");
    std::smatch m;
    if (!process_->wait_for_output(
            [&](const std::string& out) { return std::regex_search(out, listening); },
            std::chrono::seconds(30)))
      throw std::runtime_error("the stand-in model server did not start: " + process_->err());
    const auto out = process_->out();
    std::regex_search(out, m, listening);
    port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  }

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>/v1".
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  /// GET /stats: requests, completed, client_closed, in_flight (plain HTTP only).
  boost::json::object stats() const {
    return server::test::http_get(port_, "/stats", "").json().as_object();
  }
  std::int64_t stat(const char* name) const { return stats().at(name).to_number<std::int64_t>(); }
  /// GET /requests: the last requests' {body, headers}.
  boost::json::array requests() const {
    return server::test::http_get(port_, "/requests", "").json().as_array();
  }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
};

}  // namespace agenthost::testing
