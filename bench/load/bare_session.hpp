#pragma once
// A bare transport server's WebSocket session: accepts any upgrade, answers each
// start_run frame with the frames of a no-op run (BareRunFrames) and does nothing else.
// Beast stays in bare_session.cpp.

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>

namespace agenthost::bench::load {

/// Takes over an accepted socket; runs on the socket's executor until the peer leaves.
/// `id_prefix` (the connection's number) keeps run ids of different connections apart.
/// `drop_event_every` > 0 leaves one event out of every Nth run: a fault for checking that
/// agenthost_load notices.
void start_bare_session(boost::asio::ip::tcp::socket socket, std::uint32_t id_prefix,
                        std::uint64_t drop_event_every);

}  // namespace agenthost::bench::load
