// HTTPS endpoints: the certificate is verified (chain and host name) against the
// system store plus an endpoint's ca_file; a stand-in with a private CA shows both.

#include <catch2/catch.hpp>

#include <fstream>

#include "model_endpoints_test_support.hpp"
#include "support/child_process.hpp"
#include "support/fake_model_server.hpp"
#include "support/temp_dir.hpp"

namespace agenthost::models::test {
namespace {

using agenthost::testing::FakeModelServer;
using agenthost::testing::run_command;
using agenthost::testing::TempDir;

void openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  const auto result = run_command(args);
  INFO(result.err);
  REQUIRE(result.status == 0);
}

// A private CA and a certificate from it for `names` (subjectAltName entries).
struct PrivateCa {
  TempDir dir{"agenthost-tls"};
  std::string ca = dir / "ca.pem";
  std::string cert = dir / "server.pem";
  std::string key = dir / "server.key";

  explicit PrivateCa(const std::string& names) {
    const std::vector<std::string> ec{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                      "-nodes"};
    auto req = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "req");
      args.insert(args.end(), ec.begin(), ec.end());
      openssl(args);
    };
    req({"-x509", "-keyout", dir / "ca.key", "-out", ca, "-days", "2", "-subj",
         "/CN=agenthost test CA"});
    req({"-keyout", key, "-out", dir / "server.csr", "-subj", "/CN=stand-in"});
    std::ofstream(dir / "ext.cnf") << "subjectAltName=" << names << "\n";
    openssl({"x509", "-req", "-in", dir / "server.csr", "-CA", ca, "-CAkey", dir / "ca.key",
             "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", dir / "ext.cnf"});
  }
};

std::string https_url(const FakeModelServer& server, const std::string& host) {
  return "https://" + host + ":" + std::to_string(server.port()) + "/v1";
}

}  // namespace

TEST_CASE("https: a certificate from a trusted CA for the host is accepted", "[models][tls]") {
  PrivateCa ca("DNS:localhost,IP:127.0.0.1");
  FakeModelServer server({"--tls-cert", ca.cert, "--tls-key", ca.key});
  auto endpoint = endpoint_at(https_url(server, "localhost"));
  endpoint.ca_file = ca.ca;
  ModelEndpoints endpoints({{"default", endpoint}});
  const auto end = call(endpoints, "default", chat_body("[[answer=over tls]]"));
  INFO(end.error);
  REQUIRE(end.completion);
  CHECK(end.completion->text == "over tls");
}

TEST_CASE("https: an untrusted certificate is refused", "[models][tls]") {
  PrivateCa ca("DNS:localhost,IP:127.0.0.1");
  FakeModelServer server({"--tls-cert", ca.cert, "--tls-key", ca.key});
  // The system store alone does not know the private CA.
  ModelEndpoints endpoints({{"default", endpoint_at(https_url(server, "localhost"))}});
  const auto end = call(endpoints, "default", chat_body("hi"));
  REQUIRE_FALSE(end.completion);
  CHECK_THAT(end.error, Catch::Contains("certificate verify failed"));
  CHECK_THAT(end.error, Catch::Contains("TLS handshake"));
}

TEST_CASE("https: a certificate for another host name is refused", "[models][tls]") {
  PrivateCa ca("DNS:elsewhere.example");
  FakeModelServer server({"--tls-cert", ca.cert, "--tls-key", ca.key});
  auto endpoint = endpoint_at(https_url(server, "localhost"));
  endpoint.ca_file = ca.ca;
  ModelEndpoints endpoints({{"default", endpoint}});
  const auto end = call(endpoints, "default", chat_body("hi"));
  REQUIRE_FALSE(end.completion);
  CHECK_THAT(end.error, Catch::Contains("certificate verify failed"));
}

TEST_CASE("https: an unreadable ca_file is refused when the endpoints are built", "[models][tls]") {
  auto endpoint = endpoint_at("https://localhost:1/v1");
  endpoint.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(
      ModelEndpoints({{"default", endpoint}}),
      Catch::Contains("models.default.ca_file") && Catch::Contains("/nonexistent/ca.pem"));
}

}  // namespace agenthost::models::test
