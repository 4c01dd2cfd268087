#pragma once
/// \file
/// The sd_notify protocol (systemd Type=notify), through Debian's libsystemd.
///
/// Under systemd, NOTIFY_SOCKET names the socket the service manager listens on;
/// each call sends one datagram there. Without NOTIFY_SOCKET (run in a terminal,
/// in tests, under another supervisor) every call does nothing and returns
/// Notified::no_socket, so the daemon behaves the same either way.
///
/// The functions read the environment on every call and keep no state; any thread
/// may call them. The environment is left as it is (child processes would inherit
/// NOTIFY_SOCKET; agenthostd starts none).

#include <chrono>
#include <optional>
#include <string_view>

namespace agenthost::systemd {

/// What a notification did.
enum class Notified {
  sent,       ///< delivered to NOTIFY_SOCKET
  no_socket,  ///< NOTIFY_SOCKET is not set: not started by systemd as Type=notify
};

/// READY=1, with STATUS=`status` when not empty: startup is complete (plugins
/// loaded, database migrated, port bound). systemd holds `systemctl start` until
/// then. Throws std::system_error naming NOTIFY_SOCKET when it is set but the
/// datagram cannot be sent.
Notified ready(std::string_view status = {});

/// RELOADING=1 (and STATUS=`status`): a configuration reload started; send ready()
/// when it is done, whether it was applied or refused. Throws as ready().
Notified reloading(std::string_view status = {});

/// STOPPING=1 (and STATUS=`status`): shutdown started. Throws as ready().
Notified stopping(std::string_view status = {});

/// STATUS=`text`: one line shown by `systemctl status`. Line breaks in `text` become
/// spaces (a newline would start another assignment). Throws as ready().
Notified status(std::string_view text);

/// WATCHDOG=1: the service is alive. Send every watchdog_interval(). Throws as
/// ready().
Notified watchdog_ping();

/// How often to call watchdog_ping(): half of the unit's WatchdogSec (from
/// WATCHDOG_USEC), so that one late ping does not get the service killed. nullopt
/// when the watchdog is off: WATCHDOG_USEC unset, or WATCHDOG_PID set to another
/// process. Throws std::system_error when WATCHDOG_USEC or WATCHDOG_PID is set but
/// not a valid number.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace agenthost::systemd
