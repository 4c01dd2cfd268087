#pragma once
/// \file
/// DataDirectoryLock: makes sure one agenthostd at a time uses a data directory.
///
/// The lock is an exclusive flock() on <data_dir>/agenthostd.lock, held through an
/// open file description for the object's life; the holder's pid is written into
/// the file for the message a second instance prints. flock, not fcntl: an fcntl
/// lock belongs to the process and is lost when *any* descriptor of the file is
/// closed (a plugin or library reading it would drop it), while a flock belongs to
/// the open file description: a second open in the same process conflicts too, and
/// the kernel releases it when the process dies, even by kill -9. The file itself
/// stays after exit; only the lock says whether an instance runs.

#include <filesystem>
#include <stdexcept>
#include <string>

#include <sys/types.h>

namespace agenthost::state_dir {

/// The data directory could not be created or the lock file not opened or locked
/// for a reason other than another instance (permissions, not a directory, ...).
class DataDirectoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Another process holds the lock.
class DataDirectoryInUse : public DataDirectoryError {
 public:
  /// `holder`: the pid read from the lock file, 0 when it could not be read.
  DataDirectoryInUse(const std::string& message, pid_t holder)
      : DataDirectoryError(message), holder_(holder) {}
  pid_t holder() const noexcept { return holder_; }

 private:
  pid_t holder_;
};

class DataDirectoryLock {
 public:
  /// The lock file's name inside the data directory.
  static constexpr const char* kLockFileName = "agenthostd.lock";

  /// Creates `data_dir` (mode 0750, parents as needed) when it does not exist, and
  /// refuses an existing one that its group or others can write (DataDirectoryError
  /// naming the path and mode), then takes the lock without waiting and writes this process's pid
  /// into the lock file. Throws DataDirectoryInUse ("data directory X is in use by agenthostd (pid
  /// N); stop it or choose another server.data_dir") or DataDirectoryError naming the path and the
  /// system's reason. Main thread, at startup, before anything opens the database.
  explicit DataDirectoryLock(const std::filesystem::path& data_dir);
  /// Releases the lock (closes the file).
  ~DataDirectoryLock();
  DataDirectoryLock(const DataDirectoryLock&) = delete;
  DataDirectoryLock& operator=(const DataDirectoryLock&) = delete;

  const std::filesystem::path& data_dir() const noexcept { return data_dir_; }
  const std::filesystem::path& lock_file() const noexcept { return lock_file_; }

 private:
  std::filesystem::path data_dir_;
  std::filesystem::path lock_file_;
  int fd_ = -1;
};

}  // namespace agenthost::state_dir
