#include "state_dir/data_directory_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>

namespace agenthost::state_dir {

namespace {

std::string reason(int error) { return std::generic_category().message(error); }

void create_data_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (const auto parent = dir.parent_path(); !parent.empty())
    std::filesystem::create_directories(parent, ec);
  if (ec)
    throw DataDirectoryError("cannot create data directory " + dir.string() + ": " + ec.message() +
                             "; create it or choose another server.data_dir");
  // The database and its WAL live here: no access for others.
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    throw DataDirectoryError("cannot create data directory " + dir.string() + ": " + reason(errno) +
                             "; create it or choose another server.data_dir");
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw DataDirectoryError("cannot use data directory " + dir.string() + ": " + reason(errno));
  if (!S_ISDIR(st.st_mode))
    throw DataDirectoryError("data directory " + dir.string() +
                             " exists but is not a directory; choose another server.data_dir");
  // Whoever can write here can replace the database or the lock file under the host
  // (as PostgreSQL refuses a data directory others can change). Refused, not
  // changed: the mode is the operator's choice, and they should know it was wrong.
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw DataDirectoryError("data directory " + dir.string() + " has mode " + mode +
                             ": it is writable by " +
                             ((st.st_mode & S_IWOTH) != 0 ? "everyone" : "its group") +
                             "; run chmod go-w " + dir.string() + " (0750 or 0700)");
  }
}

/// The pid the holder wrote, or 0 (not written yet, or not a number).
pid_t read_holder(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return 0;
  std::string_view text(buffer, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  return ec == std::errc() && end == text.data() + text.size() && pid > 0 ? pid : 0;
}

void write_pid(int fd, const std::filesystem::path& file) {
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    throw DataDirectoryError("cannot write the pid into lock file " + file.string() + ": " +
                             reason(errno));
}

}  // namespace

DataDirectoryLock::DataDirectoryLock(const std::filesystem::path& data_dir)
    : data_dir_(data_dir), lock_file_(data_dir / kLockFileName) {
  create_data_directory(data_dir_);
  // O_CLOEXEC: a child process must not inherit (and so keep) the lock.
  fd_ = ::open(lock_file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd_ < 0)
    throw DataDirectoryError("cannot open lock file " + lock_file_.string() + ": " + reason(errno) +
                             "; the data directory must be writable by the user agenthostd "
                             "runs as");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const pid_t holder = error == EWOULDBLOCK ? read_holder(fd_) : 0;
    ::close(fd_);
    fd_ = -1;
    if (error != EWOULDBLOCK)
      throw DataDirectoryError("cannot lock " + lock_file_.string() + ": " + reason(error));
    throw DataDirectoryInUse("data directory " + data_dir_.string() +
                                 " is in use by agenthostd (pid " +
                                 (holder > 0 ? std::to_string(holder) : std::string("unknown")) +
                                 "); stop it or choose another server.data_dir",
                             holder);
  }
  try {
    write_pid(fd_, lock_file_);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

DataDirectoryLock::~DataDirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace agenthost::state_dir
