#pragma once
// Calls ModelEndpoints from a test thread and waits for the end (with a deadline).

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/models_section.hpp"
#include "models/model_endpoints.hpp"

namespace agenthost::models::test {

/// An endpoint on the stand-in at `base_url`, with short timeouts and backoff.
inline config::ModelEndpointSettings endpoint_at(const std::string& base_url) {
  config::ModelEndpointSettings s;
  s.base_url = base_url;
  if (auto problem = config::parse_endpoint_url(base_url, s.url))
    throw std::runtime_error(*problem);
  s.model = "stand-in";
  s.request_timeout = std::chrono::seconds(20);
  s.first_byte_timeout = std::chrono::seconds(10);
  s.retry_backoff = std::chrono::milliseconds(10);
  s.retry_backoff_max = std::chrono::seconds(3);
  return s;
}

/// A streamed request whose last user message is `text` (directives included).
inline std::string chat_body(const std::string& text) {
  boost::json::object body{{"model", "stand-in"},
                           {"stream", true},
                           {"stream_options", {{"include_usage", true}}},
                           {"messages", boost::json::array{{{"role", "user"}, {"content", text}}}}};
  return boost::json::serialize(body);
}

struct CallEnd {
  std::optional<Completion> completion;
  std::optional<agenthost::ModelError::Kind> error_kind;
  std::string error;
  std::vector<std::string> pieces;  ///< the texts on_text got
  std::chrono::milliseconds took{0};
};

/// A call in progress: its handle and its end.
struct PendingCall {
  std::shared_ptr<ModelCall> call;
  std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
  std::shared_ptr<CallEnd> end = std::make_shared<CallEnd>();
  std::shared_ptr<std::promise<void>> done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  CallEnd wait(std::chrono::seconds deadline = std::chrono::seconds(60)) {
    if (finished.wait_for(deadline) != std::future_status::ready)
      throw std::runtime_error("the model call did not end within the test's deadline");
    std::lock_guard lock(*mutex);
    return *end;
  }
};

inline PendingCall start_call(ModelEndpoints& endpoints, const std::string& name,
                              const std::string& body, const std::string& user = "alice") {
  PendingCall p;
  auto end = p.end;
  auto mutex = p.mutex;
  auto done = p.done;
  const auto started = p.started;
  p.call = endpoints.start(
      name, user, body,
      [end, mutex](std::string_view text) {
        std::lock_guard lock(*mutex);
        end->pieces.emplace_back(text);
      },
      [end, mutex, done, started](Completion c, std::exception_ptr e) {
        {
          std::lock_guard lock(*mutex);
          end->took = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - started);
          if (e) {
            try {
              std::rethrow_exception(e);
            } catch (const agenthost::ModelError& error) {
              end->error_kind = error.kind();
              end->error = error.what();
            } catch (const std::exception& error) {
              end->error = error.what();
            }
          } else {
            end->completion = std::move(c);
          }
        }
        done->set_value();
      });
  return p;
}

inline CallEnd call(ModelEndpoints& endpoints, const std::string& name, const std::string& body) {
  return start_call(endpoints, name, body).wait();
}

}  // namespace agenthost::models::test
