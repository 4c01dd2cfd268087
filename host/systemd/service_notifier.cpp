#include "systemd/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <string>
#include <system_error>

namespace agenthost::systemd {

namespace {

std::string one_line(std::string_view text) {
  std::string line(text);
  for (auto& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return line;
}

Notified send(std::string message) {
  // unset_environment = 0: every later call must still find the socket.
  const int r = sd_notify(0, message.c_str());
  if (r > 0) return Notified::sent;
  if (r == 0) return Notified::no_socket;
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (message.back() == '\n') message.pop_back();
  for (auto& c : message)
    if (c == '\n') c = ' ';
  throw std::system_error(-r, std::generic_category(),
                          "sd_notify: cannot send '" + message +
                              "' to NOTIFY_SOCKET=" + (socket ? socket : "") +
                              " (is systemd, or whatever set NOTIFY_SOCKET, still listening?)");
}

Notified send_state(std::string_view state, std::string_view status) {
  std::string message(state);
  message += '\n';
  if (!status.empty()) message += "STATUS=" + one_line(status) + "\n";
  return send(std::move(message));
}

}  // namespace

Notified ready(std::string_view status) { return send_state("READY=1", status); }

Notified reloading(std::string_view status) { return send_state("RELOADING=1", status); }

Notified stopping(std::string_view status) { return send_state("STOPPING=1", status); }

Notified status(std::string_view text) { return send("STATUS=" + one_line(text) + "\n"); }

Notified watchdog_ping() { return send("WATCHDOG=1\n"); }

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  const int r = sd_watchdog_enabled(0, &usec);
  if (r < 0) {
    const char* value = std::getenv("WATCHDOG_USEC");
    const char* pid = std::getenv("WATCHDOG_PID");
    throw std::system_error(-r, std::generic_category(),
                            std::string("sd_watchdog_enabled: WATCHDOG_USEC='") +
                                (value ? value : "") + "', WATCHDOG_PID='" + (pid ? pid : "") +
                                "' is not a valid watchdog setting");
  }
  if (r == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace agenthost::systemd
