#ifndef MAILSLOT_TESTS_MODEL_SUPPORT_HPP
#define MAILSLOT_TESTS_MODEL_SUPPORT_HPP

// What the worlds of model_test.cpp share: threads that take jobs, the
// writers, the watchdog, and the delays that widen race windows.

#include <mailslot/mailslot.hpp>

#include <model/model.hpp>
#include <model/sequence.hpp>

#include <windows.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mailslot_model {

// --- delays --------------------------------------------------------------------------------

/// Delays the calling thread by a random short time, or not at all: before
/// (and after) the Win32 calls where the library's threads meet (see
/// install_delays()).
void maybe_delay() noexcept;

/// Patches this program's imports of ReadFile, WriteFile, CancelIoEx,
/// CloseHandle, GetOverlappedResult, WaitForMultipleObjects, SetMailslotInfo,
/// the thread pool's I/O and work calls, and the completion port's
/// GetQueuedCompletionStatus and PostQueuedCompletionStatus, so that each
/// waits a random short time first (and some, after).
void install_delays(std::uint64_t seed);

// --- the watchdog --------------------------------------------------------------------------

/// Ends the program with a report when one step takes longer than a limit:
/// a hang is reported as such, with the sequence that led to it.
class watchdog {
 public:
  explicit watchdog(std::chrono::seconds limit);
  ~watchdog();
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;

  /// The step now running, and the sequence it belongs to.
  void arm(std::string sequence_text, std::string step);
  void disarm();

 private:
  void watch();

  std::chrono::seconds limit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool quit_ = false;
  bool armed_ = false;
  std::chrono::steady_clock::time_point since_;
  std::string sequence_;
  std::string step_;
  std::thread thread_;
};

// --- threads that take jobs ----------------------------------------------------------------

/// A thread that runs the jobs given to it, in order.
class worker {
 public:
  worker();
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  void post(std::function<void()> job);
  /// Waits until every job given so far has run.
  void wait_idle();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool busy_ = false;
  bool quit_ = false;
  std::thread thread_;
};

// --- writers ---------------------------------------------------------------------------------

/// The size a write step asks for: class 0 empty, 1 small, 2 the broadcast
/// limit (424), 3 about the first size a container read offers (4 KiB), 4
/// about the thread pool reader's and a container's largest first offer
/// (64 KiB), 5 the slot's maximum; never more than the slot's maximum.
std::size_t message_size(int size_class, int within, std::uint32_t max_size);

/// Writers, each on a thread of its own with a client of its own; a write
/// step is a job for one of them. Their clients are opened again after the
/// slot was created again.
class writers {
 public:
  writers(slot_model& model, std::string slot, int count, std::uint32_t max_size);

  void write(int writer, int size_class, int within);
  void burst(int writer, int count, int sizes);
  /// Waits until every write given so far has ended.
  void wait_idle();
  /// Closes every writer's client (after the writes given so far): the slot
  /// is about to close, and under Wine its name stays taken while a client
  /// handle is open. The next write opens the client again.
  void close_clients();

 private:
  void write_one(int writer, std::size_t size);

  slot_model& model_;
  std::string slot_;
  std::uint32_t max_size_;
  struct one {
    mailslot::client client;
    worker thread;  // (last: its thread, which uses the client, ends first)
  };
  std::vector<std::unique_ptr<one>> writers_;
};

/// A whole message read into `buffer`: delivered to `model`.
inline void deliver(slot_model& model, int consumer, const void* data, std::size_t size) {
  model.deliver(consumer, static_cast<const unsigned char*>(data), size);
}

/// The slot's read timeout as the user set it last. No read may change it:
/// set() serialises the worlds' set_read_timeout() calls (through any server
/// of the slot) and checks that the value is there right after; check()
/// compares what the slot reports when nothing sets it.
class timeout_record {
 public:
  explicit timeout_record(slot_model& model) : model_(model) {}

  /// set_read_timeout(`timeout`) through `server`, recorded.
  void set(mailslot::server& server, std::chrono::milliseconds timeout);
  /// The slot reports the value last set.
  void check(const mailslot::server& server, const char* when);
  /// The slot was created again (with the default, wait_forever).
  void recreated();

 private:
  slot_model& model_;
  std::mutex mutex_;
  std::chrono::milliseconds value_ = mailslot::wait_forever;
};

/// The error, named for a report.
std::string describe(const std::error_code& ec);

/// Reads every message still queued (try_read with no wait) from `server`,
/// delivering each to `model`: through `position` if given (ordered by
/// issue), otherwise as `consumer`.
void drain(slot_model& model, mailslot::server& server, int consumer, long* position = nullptr);

}  // namespace mailslot_model

#endif
