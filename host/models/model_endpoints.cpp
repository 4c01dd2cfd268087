#include "models/model_endpoints.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <map>
#include <stdexcept>
#include <thread>

#include "models/endpoint_call.hpp"
#include "threads/thread_name.hpp"

namespace agenthost::models {

struct ModelEndpoints::Impl {
  // Declared before the I/O context: calls (destroyed with the context's handlers)
  // refer to their endpoint.
  std::map<std::string, std::unique_ptr<Endpoint>, std::less<>> endpoints;
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
};

namespace {

std::unique_ptr<boost::asio::ssl::context> tls_context(const std::string& name,
                                                       const config::ModelEndpointSettings& s) {
  if (!s.url.tls) return nullptr;
  auto context = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  context->set_default_verify_paths();
  context->set_verify_mode(boost::asio::ssl::verify_peer);
  if (!s.ca_file.empty()) {
    boost::system::error_code ec;
    context->load_verify_file(s.ca_file, ec);
    if (ec)
      throw std::runtime_error("models." + name + ".ca_file (" + s.where + "): cannot load " +
                               s.ca_file + ": " + ec.message());
  }
  return context;
}

}  // namespace

ModelEndpoints::ModelEndpoints(const config::ModelsSettings& settings)
    : impl_(std::make_unique<Impl>()) {
  for (const auto& [name, s] : settings) {
    auto endpoint = std::make_unique<Endpoint>();
    endpoint->name = name;
    endpoint->settings = s;
    endpoint->tls = tls_context(name, s);
    impl_->endpoints.emplace(name, std::move(endpoint));
  }
  impl_->thread = threads::start_named("ah-models", [io = &impl_->io] { io->run(); });
}

ModelEndpoints::~ModelEndpoints() {
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
}

std::optional<std::string> ModelEndpoints::model_of(std::string_view endpoint) const {
  const auto it = impl_->endpoints.find(endpoint);
  if (it == impl_->endpoints.end()) return std::nullopt;
  return it->second->settings.model;
}

std::vector<std::string> ModelEndpoints::names() const {
  std::vector<std::string> names;
  for (const auto& [name, endpoint] : impl_->endpoints) names.push_back(name);
  return names;
}

std::shared_ptr<ModelCall> ModelEndpoints::start(std::string_view endpoint, std::string user_id,
                                                 std::string body, TextSink on_text,
                                                 CallDone done) {
  const auto it = impl_->endpoints.find(endpoint);
  if (it == impl_->endpoints.end())
    throw std::invalid_argument("ModelEndpoints::start: no endpoint \"" + std::string(endpoint) +
                                "\"");
  auto call = std::make_shared<EndpointCall>(impl_->io, *it->second, std::move(user_id),
                                             std::move(body), std::move(on_text), std::move(done));
  boost::asio::post(impl_->io, [call] { call->begin(); });
  return call;
}

void ModelEndpoints::record_usage(std::string_view endpoint, std::uint64_t prompt,
                                  std::uint64_t completion) {
  const auto it = impl_->endpoints.find(endpoint);
  if (it == impl_->endpoints.end()) return;
  it->second->counters.prompt_tokens += prompt;
  it->second->counters.completion_tokens += completion;
}

std::vector<EndpointCounters> ModelEndpoints::counters() const {
  std::vector<EndpointCounters> out;
  for (const auto& [name, e] : impl_->endpoints) {
    const auto& c = e->counters;
    out.push_back({name, c.requests.load(), c.retries.load(), c.failures.load(), c.in_flight.load(),
                   c.waiting.load(), c.prompt_tokens.load(), c.completion_tokens.load()});
  }
  return out;
}

}  // namespace agenthost::models
