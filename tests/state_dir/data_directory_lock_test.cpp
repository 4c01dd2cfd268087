#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "state_dir/data_directory_lock.hpp"
#include "support/temp_dir.hpp"

using agenthost::state_dir::DataDirectoryError;
using agenthost::state_dir::DataDirectoryInUse;
using agenthost::state_dir::DataDirectoryLock;
using agenthost::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string in_use_message(const fs::path& dir, pid_t pid) {
  return "data directory " + dir.string() + " is in use by agenthostd (pid " + std::to_string(pid) +
         "); stop it or choose another server.data_dir";
}

// A pipe whose read end waits with a deadline (never a sleep).
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
  void write(const std::string& s) const {
    const auto n = ::write(fds[1], s.data(), s.size());
    (void)n;
  }
  /// Everything until the writer closes, or nullopt after 20 s.
  std::optional<std::string> read_all() const {
    std::string out;
    for (;;) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 20000) <= 0) return std::nullopt;
      char buffer[512];
      const auto n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) return out;
      out.append(buffer, static_cast<std::size_t>(n));
    }
  }
  /// One byte, or false after 20 s or at end of file.
  bool read_byte() const {
    pollfd p{fds[0], POLLIN, 0};
    char c;
    return ::poll(&p, 1, 20000) > 0 && ::read(fds[0], &c, 1) == 1;
  }
};

int wait_child(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("the data directory is created with mode 0750, parents too") {
  TempDir tmp;
  const auto dir = tmp.path() / "var" / "lib" / "agenthost";
  const mode_t old_mask = ::umask(022);
  {
    DataDirectoryLock lock(dir);
    CHECK(lock.data_dir() == dir);
    CHECK(lock.lock_file() == dir / "agenthostd.lock");
  }
  ::umask(old_mask);
  struct stat st {};
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  CHECK((st.st_mode & 07777) == 0750);
}

TEST_CASE("an existing data directory is used as it is") {
  TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::owner_all);
  DataDirectoryLock lock(tmp.path());
  CHECK(fs::status(tmp.path()).permissions() == fs::perms::owner_all);
}

TEST_CASE("an existing data directory its group or others can write is refused, naming its mode") {
  TempDir tmp;
  const auto dir = tmp.path() / "data";
  fs::create_directory(dir);
  const auto refusal = [&](const std::string& mode, const std::string& who) {
    return "data directory " + dir.string() + " has mode " + mode + ": it is writable by " + who +
           "; run chmod go-w " + dir.string() + " (0750 or 0700)";
  };
  ::chmod(dir.c_str(), 0770);
  CHECK_THROWS_MATCHES(DataDirectoryLock(dir), DataDirectoryError,
                       Catch::Message(refusal("0770", "its group")));
  ::chmod(dir.c_str(), 01777);
  CHECK_THROWS_MATCHES(DataDirectoryLock(dir), DataDirectoryError,
                       Catch::Message(refusal("1777", "everyone")));
  CHECK_FALSE(fs::exists(dir / "agenthostd.lock"));  // refused before the lock file
  // Readable by others is the operator's choice (systemd's StateDirectory is 0755).
  ::chmod(dir.c_str(), 0755);
  CHECK_NOTHROW(DataDirectoryLock(dir));
}

TEST_CASE("the lock file holds the holder's pid") {
  TempDir tmp;
  DataDirectoryLock lock(tmp.path());
  CHECK(read_file(lock.lock_file()) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("a second lock in the same process conflicts (flock is per open file)") {
  TempDir tmp;
  std::optional<DataDirectoryLock> first(std::in_place, tmp.path());
  try {
    DataDirectoryLock second(tmp.path());
    FAIL("the second lock was granted");
  } catch (const DataDirectoryInUse& e) {
    CHECK(std::string(e.what()) == in_use_message(tmp.path(), ::getpid()));
    CHECK(e.holder() == ::getpid());
  }
  // The refused attempt did not disturb the holder's pid.
  CHECK(read_file(first->lock_file()) == std::to_string(::getpid()) + "\n");
  first.reset();
  DataDirectoryLock third(tmp.path());  // released: granted again
  CHECK(read_file(third.lock_file()) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("another process is refused while the lock is held, naming the holder") {
  TempDir tmp;
  DataDirectoryLock lock(tmp.path());
  Pipe report;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    report.close_read();
    try {
      DataDirectoryLock second(tmp.path());
      report.write("granted");
    } catch (const DataDirectoryInUse& e) {
      report.write(std::string("in use: ") + e.what());
    } catch (const std::exception& e) {
      report.write(std::string("other error: ") + e.what());
    }
    ::_exit(0);
  }
  report.close_write();
  const auto message = report.read_all();
  wait_child(child);
  REQUIRE(message.has_value());
  CHECK(*message == "in use: " + in_use_message(tmp.path(), ::getpid()));
}

TEST_CASE("a lock held by a process killed with SIGKILL is released by the kernel") {
  TempDir tmp;
  Pipe locked;   // child -> parent: "I hold it"
  Pipe release;  // parent keeps the write end open until the child should go
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    locked.close_read();
    release.close_write();
    try {
      DataDirectoryLock lock(tmp.path());
      locked.write("L");
      release.read_all();  // until killed
    } catch (...) {
    }
    ::_exit(1);
  }
  locked.close_write();
  release.close_read();
  REQUIRE(locked.read_byte());
  try {
    DataDirectoryLock mine(tmp.path());
    FAIL("granted while the child holds the lock");
  } catch (const DataDirectoryInUse& e) {
    CHECK(e.holder() == child);
    CHECK(std::string(e.what()) == in_use_message(tmp.path(), child));
  }
  REQUIRE(::kill(child, SIGKILL) == 0);
  const int status = wait_child(child);
  CHECK(WIFSIGNALED(status));
  DataDirectoryLock mine(tmp.path());  // the dead holder's lock is gone
  CHECK(read_file(mine.lock_file()) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("a data_dir that is a file is refused") {
  TempDir tmp;
  const auto file = tmp.path() / "not-a-dir";
  std::ofstream(file) << "x";
  CHECK_THROWS_WITH(DataDirectoryLock(file),
                    "data directory " + file.string() +
                        " exists but is not a directory; choose another server.data_dir");
}

TEST_CASE("a data directory that cannot be written is refused with the reason") {
  TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::owner_read | fs::perms::owner_exec);
  const auto lock_file = (tmp.path() / "agenthostd.lock").string();
  // Root ignores permissions: then the attempts run in a child that dropped to nobody.
  Pipe report;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    report.close_read();
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      report.write("cannot drop privileges");
      ::_exit(1);
    }
    for (const auto& dir : {tmp.path(), tmp.path() / "sub"}) {
      try {
        DataDirectoryLock lock(dir);
        report.write("granted\n");
      } catch (const DataDirectoryInUse& e) {
        report.write(std::string("in use: ") + e.what() + "\n");
      } catch (const DataDirectoryError& e) {
        report.write(std::string(e.what()) + "\n");
      }
    }
    ::_exit(0);
  }
  report.close_write();
  const auto messages = report.read_all();
  wait_child(child);
  REQUIRE(messages.has_value());
  CHECK_THAT(*messages,
             Catch::StartsWith("cannot open lock file " + lock_file + ": Permission denied"));
  CHECK_THAT(*messages, Catch::Contains("\ncannot create data directory " +
                                        (tmp.path() / "sub").string() + ": Permission denied"));
}
