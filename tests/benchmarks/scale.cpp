// The benchmark's scale and deep-queue parts (see scale.hpp and
// docs/dev/benchmark.md).
//
// Scale: each reader kind over N slots (1 to 10,000), all on Windows' kind of
// handle (NtCreateMailslotFile), written by W threads (1 to 64) that each
// write to their share of the slots. The kinds: a std::thread per slot
// blocked in server.read(), a thread_pool_reader per slot, and an Asio
// server per slot, all on one io_context run by one thread (asio1) or two
// (asio2). Each message carries its QueryPerformanceCounter timestamp (the
// moment before its WriteFile) in its first 8 bytes, the slot it was written
// to and a check word. Each point has two phases:
//   burst  a fixed number of messages written as fast as the writers can:
//          messages per second, and the process's processor time (user and
//          kernel), from which the growth of the cost with N is fitted;
//   paced  a fixed total rate that every kind sustains at every N, spread
//          evenly over the writers: latency from WriteFile to the message
//          in user code (median, p99). Measured apart from the burst, so
//          that the latencies of different N compare at the same load
//          instead of at each kind's own saturation. Three runs: the median
//          of all their latencies, and the median of their three p99s, so
//          that one stall of a shared machine does not decide the p99.
// What the readers cost at rest is measured once their fixed machinery (the
// pool's threads, the io_context and its threads) is up, before the slots:
// private bytes (PROCESS_MEMORY_COUNTERS_EX::PrivateUsage; Wine reports 0
// there, so its PagefileUsage, the process's anonymous resident memory),
// handles (GetProcessHandleCount; Wine reports 0 there, so the process's
// entries of NtQuerySystemInformation's handle list) and threads (Toolhelp32),
// after the readers are set up, divided by N. Each (kind, N) runs in a child
// process of its own, so that one point's heap, lingering pool workers and
// handle table leave the next alone, and so that a point the machine cannot
// hold (10,000 threads) ends only itself.
//
// Deep queues: a slot that nobody reads holds D messages (1,000, 10,000,
// 100,000) written beforehand; then each read form takes K of them, timed,
// and the writer puts K back (not timed), the forms in rotating order for a
// few rounds: microseconds per message at each depth, and how many
// GetMailslotInfo calls each form made per message (Wine's GetMailslotInfo
// counts the queue, so a read that asked it once a message would cost more
// the deeper the queue: the "GetMailslotInfo first" baseline shows how much).

#if MAILSLOT_BENCH_ASIO
#  include <mailslot/asio.hpp>  // (before <windows.h>)

#  include <asio/executor_work_guard.hpp>
#  include <asio/io_context.hpp>
#endif
#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <benchmarks/scale.hpp>
#include <support/import_patch.hpp>
#include <support/slot_kinds.hpp>

#include <psapi.h>
#include <tlhelp32.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace mailslot_bench {
namespace {

// --- clocks and the process's own figures ---------------------------------------------------

long long now_ticks() {
  LARGE_INTEGER t{};
  ::QueryPerformanceCounter(&t);
  return t.QuadPart;
}

long long tick_frequency() {
  LARGE_INTEGER f{};
  ::QueryPerformanceFrequency(&f);
  return f.QuadPart;
}

double ticks_to_us(long long ticks) {
  return static_cast<double>(ticks) * 1e6 / static_cast<double>(tick_frequency());
}

// The process's processor time, user and kernel, in milliseconds.
double process_cpu_ms() {
  FILETIME created{};
  FILETIME exited{};
  FILETIME kernel{};
  FILETIME user{};
  ::GetProcessTimes(::GetCurrentProcess(), &created, &exited, &kernel, &user);
  const auto ms = [](const FILETIME& t) {
    return static_cast<double>((static_cast<unsigned long long>(t.dwHighDateTime) << 32U) |
                               t.dwLowDateTime) /
           1e4;
  };
  return ms(kernel) + ms(user);
}

double median(std::vector<double> values) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Private bytes: PrivateUsage, which Wine leaves 0; then PagefileUsage,
// which Wine fills with the process's anonymous resident memory (RssAnon +
// VmSwap of /proc/PID/status) and Windows with the same commit charge as
// PrivateUsage.
double private_bytes(const char** source = nullptr) {
  PROCESS_MEMORY_COUNTERS_EX counters{};
  counters.cb = sizeof counters;
  if (::GetProcessMemoryInfo(::GetCurrentProcess(),
                             reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&counters),
                             sizeof counters) == FALSE) {
    return 0;
  }
  if (counters.PrivateUsage != 0) {
    if (source != nullptr) {
      *source = "PrivateUsage";
    }
    return static_cast<double>(counters.PrivateUsage);
  }
  if (source != nullptr) {
    *source = "PagefileUsage (PrivateUsage is 0 here)";
  }
  return static_cast<double>(counters.PagefileUsage);
}

// The threads of this process (a Toolhelp32 snapshot).
long process_threads() {
  const HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  if (snapshot == INVALID_HANDLE_VALUE) {
    return -1;
  }
  THREADENTRY32 entry{};
  entry.dwSize = sizeof entry;
  long count = 0;
  const DWORD self = ::GetCurrentProcessId();
  for (BOOL more = ::Thread32First(snapshot, &entry); more != FALSE;
       more = ::Thread32Next(snapshot, &entry)) {
    count += entry.th32OwnerProcessID == self ? 1 : 0;
  }
  ::CloseHandle(snapshot);
  return count;
}

// NtQuerySystemInformation(SystemExtendedHandleInformation): every handle of
// every process. Declared here: MinGW's and the SDK's headers differ on it.
struct handle_entry_ex {
  void* object;
  ULONG_PTR process_id;
  ULONG_PTR handle_value;
  ULONG granted_access;
  USHORT creator_back_trace_index;
  USHORT object_type_index;
  ULONG handle_attributes;
  ULONG reserved;
};
struct handle_list_ex {
  ULONG_PTR count;
  ULONG_PTR reserved;
  handle_entry_ex handles[1];
};
using query_system_information = LONG(WINAPI*)(ULONG, void*, ULONG, ULONG*);
constexpr ULONG system_extended_handle_information = 64;
constexpr LONG status_info_length_mismatch = static_cast<LONG>(0xC0000004L);

// The handles of this process: GetProcessHandleCount, which Wine leaves 0;
// then this process's entries in the system's handle list.
long process_handles(const char** source = nullptr) {
  DWORD count = 0;
  if (::GetProcessHandleCount(::GetCurrentProcess(), &count) != FALSE && count != 0) {
    if (source != nullptr) {
      *source = "GetProcessHandleCount";
    }
    return static_cast<long>(count);
  }
  if (source != nullptr) {
    *source = "NtQuerySystemInformation's handle list (GetProcessHandleCount is 0 here)";
  }
  static const auto query = reinterpret_cast<query_system_information>(reinterpret_cast<void*>(
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation")));
  if (query == nullptr) {
    return -1;
  }
  // Kept between calls: its pages are touched once, before the memory
  // figure they would otherwise add to.
  static std::vector<unsigned char> buffer(std::size_t{1} << 20U);
  LONG status = 0;
  ULONG needed = 0;
  while ((status = query(system_extended_handle_information, buffer.data(),
                         static_cast<ULONG>(buffer.size()), &needed)) ==
         status_info_length_mismatch) {
    buffer.resize(buffer.size() * 2);
  }
  if (status != 0) {
    return -1;
  }
  handle_list_ex list{};
  std::memcpy(&list, buffer.data(), offsetof(handle_list_ex, handles));
  const ULONG_PTR self = ::GetCurrentProcessId();
  long mine = 0;
  for (ULONG_PTR i = 0; i < list.count; ++i) {
    handle_entry_ex entry{};
    std::memcpy(&entry,
                buffer.data() + offsetof(handle_list_ex, handles) + i * sizeof(handle_entry_ex),
                sizeof entry);
    mine += entry.process_id == self ? 1 : 0;
  }
  return mine;
}

struct process_figures {
  double bytes = 0;
  long threads = 0;
  long handles = 0;
};

// In this order: the memory before the queries that allocate.
process_figures figures_now() {
  process_figures f;
  f.bytes = private_bytes();
  f.threads = process_threads();
  f.handles = process_handles();
  return f;
}

// A Windows-kind slot (NtCreateMailslotFile, as kernel32 does on Windows).
mailslot::server windows_kind(const mailslot::name& slot, std::error_code& ec) {
  mailslot::server_options options;
  options.creation = mailslot::creation::nt_create_mailslot_file;
  return mailslot::server::create(slot, options, ec);
}

HANDLE open_client(const mailslot::name& slot) {
  return ::CreateFileW(slot.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
}

std::string pid_text() { return std::to_string(::GetCurrentProcessId()); }

// A Linux file's text (under Wine, Z: is the Linux root), or nothing.
std::string linux_file(const wchar_t* path) {
  const HANDLE file = ::CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    return {};
  }
  std::string text;
  char chunk[4096];
  DWORD got = 0;
  while (::ReadFile(file, chunk, sizeof chunk, &got, nullptr) != FALSE && got != 0) {
    text.append(chunk, got);
  }
  ::CloseHandle(file);
  return text;
}

// Under Wine, this process's Linux directory in /proc (Z:\proc\PID): the
// one whose command line holds `marker`. (/proc/self would be the Wine
// server's, which opens files on a process's behalf.) Empty if not found.
std::wstring linux_proc_dir(const std::string& marker) {
  if (marker.empty() ||
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "wine_get_version") == nullptr) {
    return {};
  }
  std::wstring mine;
  int matches = 0;
  WIN32_FIND_DATAW found{};
  const HANDLE search = ::FindFirstFileW(L"Z:\\proc\\*", &found);
  if (search == INVALID_HANDLE_VALUE) {
    return {};
  }
  do {
    const std::wstring name = found.cFileName;
    if (name.empty() || name.find_first_not_of(L"0123456789") != std::wstring::npos) {
      continue;
    }
    const std::wstring dir = L"Z:\\proc\\" + name;
    std::string command = linux_file((dir + L"\\cmdline").c_str());
    std::replace(command.begin(), command.end(), '\0', ' ');
    if (command.find(marker) != std::string::npos) {
      mine = dir;
      ++matches;
    }
  } while (::FindNextFileW(search, &found) != FALSE);
  ::FindClose(search);
  return matches == 1 ? mine : std::wstring();
}

// Under Wine, the processor time (user and system, milliseconds) of the
// Wine server, which does the kernel's share of every mailslot call: from
// its /proc/PID/stat (the one process named wineserver or wineserver64 in
// this PID namespace). Negative elsewhere, or if it cannot be told.
double wineserver_cpu_ms() {
  static const std::wstring stat = [] {
    if (::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "wine_get_version") == nullptr) {
      return std::wstring();
    }
    std::wstring found_stat;
    int matches = 0;
    WIN32_FIND_DATAW found{};
    const HANDLE search = ::FindFirstFileW(L"Z:\\proc\\*", &found);
    if (search == INVALID_HANDLE_VALUE) {
      return std::wstring();
    }
    do {
      const std::wstring name = found.cFileName;
      if (name.empty() || name.find_first_not_of(L"0123456789") != std::wstring::npos) {
        continue;
      }
      const std::wstring dir = L"Z:\\proc\\" + name;
      const std::string comm = linux_file((dir + L"\\comm").c_str());
      if (comm.rfind("wineserver", 0) == 0) {
        found_stat = dir + L"\\stat";
        ++matches;
      }
    } while (::FindNextFileW(search, &found) != FALSE);
    ::FindClose(search);
    return matches == 1 ? found_stat : std::wstring();
  }();
  if (stat.empty()) {
    return -1;
  }
  // Fields 14 and 15 (utime, stime), in clock ticks of 1/100 s, after the
  // command name in parentheses (which may hold spaces).
  const std::string text = linux_file(stat.c_str());
  const std::size_t after = text.rfind(')');
  if (after == std::string::npos) {
    return -1;
  }
  const char* at = text.c_str() + after + 2;
  double times[2] = {0, 0};
  for (int field = 3; field <= 15 && *at != '\0'; ++field) {
    if (field >= 14) {
      times[field - 14] = std::atof(at);
    }
    const char* space = std::strchr(at, ' ');
    if (space == nullptr) {
      break;
    }
    at = space + 1;
  }
  return (times[0] + times[1]) * 10;
}

// Under Wine, what Linux sees of this process (found by `marker`, see
// linux_proc_dir()): its threads, its open file descriptors and their limit
// (each Wine thread holds some: its pipes to the Wine server), its
// resident memory. Empty elsewhere.
std::string linux_view(const std::string& marker) {
  static std::string found_for;
  static std::wstring dir;
  if (found_for != marker) {
    found_for = marker;
    dir = linux_proc_dir(marker);
  }
  if (dir.empty()) {
    return {};
  }
  const auto line_of = [](const std::string& text, const char* key) {
    const std::size_t at = text.find(key);
    if (at == std::string::npos) {
      return std::string();
    }
    std::string line = text.substr(at, text.find('\n', at) - at);
    line.erase(std::unique(line.begin(), line.end(),
                           [](char a, char b) { return (a == ' ' || a == '\t') && a == b; }),
               line.end());
    return line;
  };
  const std::string status = linux_file((dir + L"\\status").c_str());
  const std::string limits = linux_file((dir + L"\\limits").c_str());
  long descriptors = 0;
  WIN32_FIND_DATAW found{};
  const HANDLE search = ::FindFirstFileW((dir + L"\\fd\\*").c_str(), &found);
  if (search != INVALID_HANDLE_VALUE) {
    do {
      descriptors += found.cFileName[0] != L'.' ? 1 : 0;
    } while (::FindNextFileW(search, &found) != FALSE);
    ::FindClose(search);
  }
  std::string limit = line_of(limits, "Max open files");
  std::replace(limit.begin(), limit.end(), '\t', ' ');
  std::string threads = line_of(status, "Threads:");
  std::replace(threads.begin(), threads.end(), '\t', ' ');
  std::string resident = line_of(status, "VmRSS:");
  std::replace(resident.begin(), resident.end(), '\t', ' ');
  return "Linux: " + threads + ", " + std::to_string(descriptors) + " open fds (" + limit + "), " +
         resident;
}

// --- scale: the messages and where they arrive ------------------------------------------------

// A scale message: [send time, 8 bytes][slot, 4 bytes][check word, 4 bytes].
constexpr std::size_t scale_size = 16;
constexpr std::uint32_t scale_check = 0x5CA1E0FFU;

// Where every reader of a point hands its messages. Lock-free: readers of
// many slots call take() on many threads at once.
class arrivals {
 public:
  explicit arrivals(std::size_t slots)
      : received_(slots), sent_(slots), done_(::CreateEventW(nullptr, TRUE, FALSE, nullptr)) {}
  arrivals(const arrivals&) = delete;
  arrivals& operator=(const arrivals&) = delete;
  ~arrivals() { ::CloseHandle(done_); }

  // A new phase: `expected` messages, with latencies recorded if `timed`.
  void begin(long long expected, bool timed) {
    for (auto& count : received_) {
      count.store(0);
    }
    for (auto& count : sent_) {
      count.store(0);
    }
    latencies_.assign(timed ? static_cast<std::size_t>(expected) : 0, 0);
    recorded_.store(0);
    received_total_.store(0);
    last_arrival_.store(0);
    expected_.store(expected);
    ::ResetEvent(done_);
  }

  void take(std::uint32_t slot, std::string_view message) {
    const long long arrived = now_ticks();
    long long sent = 0;
    std::uint32_t to = 0;
    std::uint32_t check = 0;
    if (message.size() == scale_size) {
      std::memcpy(&sent, message.data(), 8);
      std::memcpy(&to, message.data() + 8, 4);
      std::memcpy(&check, message.data() + 12, 4);
    }
    if (message.size() != scale_size || to != slot || check != scale_check ||
        slot >= received_.size()) {
      bad_.fetch_add(1);
    } else {
      received_[slot].fetch_add(1, std::memory_order_relaxed);
      if (!latencies_.empty()) {
        const std::size_t at = recorded_.fetch_add(1, std::memory_order_relaxed);
        if (at < latencies_.size()) {
          latencies_[at] = arrived - sent;
        }
      }
    }
    if (received_total_.fetch_add(1) + 1 == expected_.load()) {
      last_arrival_.store(arrived);
      ::SetEvent(done_);
    }
  }

  void sent_to(std::uint32_t slot) { sent_[slot].fetch_add(1, std::memory_order_relaxed); }

  // Waits for the phase's messages; false if they did not all come in time.
  bool wait(DWORD ms) const { return ::WaitForSingleObject(done_, ms) == WAIT_OBJECT_0; }

  // Every message of the phase arrived, intact, at its slot, once.
  [[nodiscard]] bool complete(std::string& why) const {
    if (bad_.load() != 0) {
      why = std::to_string(bad_.load()) + " messages arrived wrong";
      return false;
    }
    if (received_total_.load() != expected_.load()) {
      why = std::to_string(received_total_.load()) + " of " + std::to_string(expected_.load()) +
            " messages arrived";
      return false;
    }
    for (std::size_t i = 0; i < sent_.size(); ++i) {
      if (sent_[i].load() != received_[i].load()) {
        why = "slot " + std::to_string(i) + " received " + std::to_string(received_[i].load()) +
              " of " + std::to_string(sent_[i].load());
        return false;
      }
    }
    return true;
  }

  [[nodiscard]] long long last_arrival() const { return last_arrival_.load(); }
  [[nodiscard]] std::vector<long long> latencies() const {
    std::vector<long long> result = latencies_;
    std::sort(result.begin(), result.end());
    return result;
  }

 private:
  std::vector<std::atomic<std::uint32_t>> received_;
  std::vector<std::atomic<std::uint32_t>> sent_;
  std::vector<long long> latencies_;
  std::atomic<std::size_t> recorded_{0};
  std::atomic<long long> received_total_{0};
  std::atomic<long long> expected_{0};
  std::atomic<long long> bad_{0};
  std::atomic<long long> last_arrival_{0};
  HANDLE done_;
};

// --- scale: the reader kinds ----------------------------------------------------------------

// pool2: the thread pool reader on a pool of its own of at most 2 threads
// (SetThreadpoolThreadMaximum), against the default pool's.
enum class reader_kind { thread, pool, pool2, asio1, asio2 };
const char* kind_name(reader_kind kind) {
  switch (kind) {
    case reader_kind::thread:
      return "thread";
    case reader_kind::pool:
      return "pool";
    case reader_kind::pool2:
      return "pool2";
    case reader_kind::asio1:
      return "asio1";
    case reader_kind::asio2:
      return "asio2";
  }
  return "?";
}
std::optional<reader_kind> kind_named(std::string_view name) {
  for (const reader_kind kind : {reader_kind::thread, reader_kind::pool, reader_kind::pool2,
                                 reader_kind::asio1, reader_kind::asio2}) {
    if (name == kind_name(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}
std::vector<reader_kind> all_kinds() {
#if MAILSLOT_BENCH_ASIO
  return {reader_kind::thread, reader_kind::pool, reader_kind::pool2, reader_kind::asio1,
          reader_kind::asio2};
#else
  return {reader_kind::thread, reader_kind::pool, reader_kind::pool2};
#endif
}

// The readers of one point: their fixed machinery made by the constructor,
// then one reader per slot by add(), all stopped by stop().
class reader_set {
 public:
  reader_set() = default;
  reader_set(const reader_set&) = delete;
  reader_set& operator=(const reader_set&) = delete;
  virtual ~reader_set() = default;
  // Reads `server` (slot number `slot`) into the point's arrivals; false
  // (and why) if it cannot.
  virtual bool add(std::uint32_t slot, mailslot::server server, std::string& why) = 0;
  virtual void stop() = 0;
};

// A std::thread per slot, blocked in server.read<std::string>().
class thread_readers final : public reader_set {
 public:
  thread_readers(std::size_t slots, arrivals& into) : into_(into) {
    servers_.reserve(slots);  // (never reallocated: each thread reads its own element)
    threads_.reserve(slots);
  }
  ~thread_readers() override { stop(); }
  bool add(std::uint32_t slot, mailslot::server server, std::string& why) override {
    servers_.push_back(std::move(server));
    mailslot::server& mine = servers_.back();
    try {
      threads_.emplace_back([this, slot, &mine] {
        std::error_code ec;
        for (;;) {
          const std::string message = mine.read(ec);
          if (ec) {
            if (ec != mailslot::condition::cancelled) {
              failures_.fetch_add(1);
            }
            return;
          }
          into_.take(slot, message);
        }
      });
    } catch (const std::exception& e) {
      why = std::string("std::thread: ") + e.what();
      return false;
    }
    return true;
  }
  void stop() override {
    for (auto& server : servers_) {
      server.stop_reading();
    }
    for (auto& thread : threads_) {
      thread.join();
    }
    threads_.clear();
  }

 private:
  arrivals& into_;
  std::vector<mailslot::server> servers_;
  std::vector<std::thread> threads_;
  std::atomic<long> failures_{0};
};

// A thread_pool_reader per slot, on the process's default pool, or on a
// pool of its own of at most `most_threads` threads.
class pool_readers final : public reader_set {
 public:
  pool_readers(std::size_t slots, arrivals& into, const std::string& prefix, DWORD most_threads = 0)
      : into_(into) {
    ::InitializeThreadpoolEnvironment(&environment_);
    if (most_threads != 0) {
      pool_ = ::CreateThreadpool(nullptr);
      if (pool_ != nullptr) {
        ::SetThreadpoolThreadMaximum(pool_, most_threads);
        (void)::SetThreadpoolThreadMinimum(pool_, 1);
        ::SetThreadpoolCallbackPool(&environment_, pool_);
      }
    }
    servers_.reserve(slots);  // (never reallocated: moving a server stops its reader)
    readers_.reserve(slots);
    for (std::size_t i = 0; i < slots; ++i) {
      readers_.emplace_back(pool_ != nullptr ? &environment_ : nullptr);
    }
    warm_up(prefix);
  }
  ~pool_readers() override {
    stop();
    // The servers' handles close before the pool their binding is on.
    readers_.clear();
    servers_.clear();
    if (pool_ != nullptr) {
      ::CloseThreadpool(pool_);
    }
    ::DestroyThreadpoolEnvironment(&environment_);
  }
  bool add(std::uint32_t slot, mailslot::server server, std::string& why) override {
    servers_.push_back(std::move(server));
    std::error_code ec;
    readers_[slot].start(
        servers_.back(),
        [this, slot](const std::error_code& error, std::string_view message) {
          if (!error) {
            into_.take(slot, message);
          }
        },
        ec);
    if (ec) {
      why = "thread_pool_reader::start: " + ec.message();
      return false;
    }
    return true;
  }
  void stop() override {
    for (auto& reader : readers_) {
      reader.stop();
    }
  }

 private:
  // The pool's first use makes its threads (workers, and Wine's I/O thread):
  // a reader that reads one message first, so that they count as the fixed
  // cost, not the first slots'.
  void warm_up(const std::string& prefix) {
    std::error_code ec;
    auto server = windows_kind(mailslot::name::local(prefix + "warm"), ec);
    if (ec) {
      return;
    }
    const HANDLE done = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    mailslot::thread_pool_reader reader(pool_ != nullptr ? &environment_ : nullptr);
    reader.start(
        server, [done](const std::error_code&, std::string_view) { ::SetEvent(done); }, ec);
    const HANDLE client = open_client(server.name());
    DWORD written = 0;
    ::WriteFile(client, "w", 1, &written, nullptr);
    ::WaitForSingleObject(done, 5000);
    reader.stop();
    ::CloseHandle(client);
    ::CloseHandle(done);
  }

  arrivals& into_;
  TP_CALLBACK_ENVIRON environment_{};
  PTP_POOL pool_ = nullptr;
  std::vector<mailslot::server> servers_;
  std::vector<mailslot::thread_pool_reader> readers_;
};

#if MAILSLOT_BENCH_ASIO
// An Asio server per slot on one io_context, run by `runners` threads; each
// slot's handler starts its next async_read<std::string>.
class asio_readers final : public reader_set {
 public:
  asio_readers(std::size_t slots, arrivals& into, int runners, const std::string& prefix)
      : into_(into), io_(runners), work_(::asio::make_work_guard(io_)) {
    servers_.reserve(slots);  // (never reallocated: handlers hold their server's address)
    for (int i = 0; i < runners; ++i) {
      runners_.emplace_back([this] { io_.run(); });
    }
    warm_up(prefix);
  }
  ~asio_readers() override { stop(); }
  bool add(std::uint32_t slot, mailslot::server server, std::string& why) override {
    servers_.emplace_back(io_.get_executor());
    std::error_code ec;
    servers_.back().assign(std::move(server), ec);
    if (ec) {
      why = "asio::server::assign: " + ec.message();
      return false;
    }
    // (No message comes before the set-up ends: nothing runs concurrently.)
    servers_.back().async_read(next_read{this, slot});
    return true;
  }
  void stop() override {
    if (runners_.empty()) {
      return;
    }
    // Handlers stop starting reads; the context stops; then, with no
    // handler running, the servers close (cancelling their reads), before
    // the context goes (the members' order).
    stopping_.store(true);
    work_.reset();
    io_.stop();
    for (auto& runner : runners_) {
      runner.join();
    }
    runners_.clear();
    servers_.clear();
  }

 private:
  struct next_read {
    asio_readers* self;
    std::uint32_t slot;
    void operator()(const std::error_code& ec, std::string message) const {
      if (ec) {
        return;  // (cancelled at the end)
      }
      self->into_.take(slot, message);
      if (!self->stopping_.load(std::memory_order_relaxed)) {
        self->servers_[slot].async_read(next_read{self, slot});
      }
    }
  };

  void warm_up(const std::string& prefix) {
    std::error_code ec;
    mailslot::asio::server server(io_.get_executor());
    server.assign(windows_kind(mailslot::name::local(prefix + "warm"), ec), ec);
    if (ec) {
      return;
    }
    const HANDLE done = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    server.async_read([done](const std::error_code&, std::string) { ::SetEvent(done); });
    const HANDLE client = open_client(server.next_layer().name());
    DWORD written = 0;
    ::WriteFile(client, "w", 1, &written, nullptr);
    ::WaitForSingleObject(done, 5000);
    ::CloseHandle(client);
    ::CloseHandle(done);
  }

  arrivals& into_;
  ::asio::io_context io_;
  ::asio::executor_work_guard<::asio::io_context::executor_type> work_;
  std::vector<std::thread> runners_;
  std::atomic<bool> stopping_{false};
  std::vector<mailslot::asio::server> servers_;  // (after io_: destroyed before it)
};
#endif

std::unique_ptr<reader_set> make_readers(reader_kind kind, std::size_t slots, arrivals& into,
                                         const std::string& prefix) {
  switch (kind) {
    case reader_kind::thread:
      return std::make_unique<thread_readers>(slots, into);
    case reader_kind::pool:
      return std::make_unique<pool_readers>(slots, into, prefix);
    case reader_kind::pool2:
      return std::make_unique<pool_readers>(slots, into, prefix, 2);
#if MAILSLOT_BENCH_ASIO
    case reader_kind::asio1:
      return std::make_unique<asio_readers>(slots, into, 1, prefix);
    case reader_kind::asio2:
      return std::make_unique<asio_readers>(slots, into, 2, prefix);
#else
    case reader_kind::asio1:
    case reader_kind::asio2:
      break;
#endif
  }
  return nullptr;
}

// --- scale: the writers -------------------------------------------------------------------

struct scale_config {
  std::vector<int> writers{1, 4, 16, 64};
  long long burst = 4096;  // messages in the burst phase
  long long paced = 400;   // messages in each of the paced runs
  int paced_runs = 3;
  double rate = 1000;               // messages/s, all writers together, in the paced phase
  DWORD phase_limit_ms = 60000;     // a phase whose messages have not all come by then fails
  double setup_limit_s = 90;        // a set-up that takes longer stops the point
  double memory_floor_bytes = 3e9;  // a set-up stops before leaving the machine less than this
};

// Writer `w` of `writers`, over `slots` slots: the slot of its `j`-th message.
// With at least as many slots as writers, writer w has slots w, w + W, w + 2W,
// ... and writes to them in turn; otherwise every writer has one slot, w mod N.
std::uint32_t slot_of(std::size_t slots, int writers, int w, long long j) {
  const auto count = static_cast<std::size_t>(writers);
  const auto self = static_cast<std::size_t>(w);
  if (slots < count) {
    return static_cast<std::uint32_t>(self % slots);
  }
  const std::size_t mine = (slots - self + count - 1) / count;
  return static_cast<std::uint32_t>(self + (static_cast<std::size_t>(j) % mine) * count);
}

struct phase_result {
  double messages_per_second = 0;
  double cpu_ms = 0;
  double server_cpu_ms = 0;  // the Wine server's (negative when it cannot be told)
  double p50_us = 0;
  double p99_us = 0;
  std::vector<long long> latencies;  // (sorted, in ticks)
  bool ok = true;
  std::string why;
};

// One phase: `total` messages from `writers` threads, as fast as they go
// (rate 0) or paced to `rate` messages/s in all.
phase_result run_phase(const std::vector<HANDLE>& clients, arrivals& into, int writers,
                       long long total, double rate, DWORD limit_ms) {
  phase_result result;
  total = total / writers * writers;  // (each writer writes as many)
  into.begin(total, rate > 0);
  const HANDLE go = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  std::atomic<long long> start{0};
  std::atomic<long> failed_writes{0};
  const long long frequency = tick_frequency();
  const double ticks_per_message = rate > 0 ? static_cast<double>(frequency) / rate : 0;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      ::WaitForSingleObject(go, INFINITE);
      const long long t0 = start.load() + frequency / 200;  // (5 ms: every writer is up by then)
      char message[scale_size] = {};
      for (long long j = 0; j < total / writers; ++j) {
        if (rate > 0) {
          // The whole schedule is fixed: message k of all goes at t0 + k / rate.
          const long long due =
              t0 + static_cast<long long>(static_cast<double>(j * writers + w) * ticks_per_message);
          const long long ahead_ms = (due - now_ticks()) * 1000 / frequency;
          if (ahead_ms >= 1) {
            ::Sleep(static_cast<DWORD>(ahead_ms));
          }
        }
        const std::uint32_t slot = slot_of(clients.size(), writers, w, j);
        into.sent_to(slot);
        const long long sent = now_ticks();
        std::memcpy(message, &sent, 8);
        std::memcpy(message + 8, &slot, 4);
        std::memcpy(message + 12, &scale_check, 4);
        DWORD written = 0;
        if (::WriteFile(clients[slot], message, sizeof message, &written, nullptr) == FALSE) {
          failed_writes.fetch_add(1);
        }
      }
    });
  }
  const double server_before = wineserver_cpu_ms();
  const double cpu_before = process_cpu_ms();
  start.store(now_ticks());
  ::SetEvent(go);
  const bool arrived = into.wait(limit_ms);
  const double cpu_after = process_cpu_ms();
  const double server_after = wineserver_cpu_ms();
  result.server_cpu_ms = server_before < 0 ? -1 : server_after - server_before;
  for (auto& thread : threads) {
    thread.join();
  }
  ::CloseHandle(go);
  result.cpu_ms = cpu_after - cpu_before;
  if (!arrived) {
    (void)into.wait(2000);  // (late messages still count towards the report below)
  }
  const bool complete = into.complete(result.why);
  result.ok = arrived && failed_writes.load() == 0 && complete;
  if (failed_writes.load() != 0) {
    result.why = std::to_string(failed_writes.load()) + " WriteFile calls failed";
  } else if (!arrived && complete) {
    result.why = "the messages came after " + std::to_string(limit_ms) + " ms";
  }
  if (result.ok) {
    const double seconds =
        static_cast<double>(into.last_arrival() - start.load()) / static_cast<double>(frequency);
    result.messages_per_second = static_cast<double>(total) / seconds;
    result.latencies = into.latencies();
    if (!result.latencies.empty()) {
      result.p50_us = ticks_to_us(result.latencies[result.latencies.size() / 2]);
      result.p99_us = ticks_to_us(result.latencies[result.latencies.size() * 99 / 100]);
    }
  }
  return result;
}

// --- scale: one point ------------------------------------------------------------------------

struct point_result {
  bool ok = true;
  bool stopped = false;  // the machine could not hold the point (why says which limit)
  std::string why;
  double cpu_ms = 0;         // the burst phases' processor time, every writer count together
  double server_cpu_ms = 0;  // the Wine server's in them (negative when it cannot be told)
};

// One kind over `slots` slots, every writer count of `config`; prints one
// `scale` line per writer count.
point_result scale_point(reader_kind kind, std::size_t slots, const scale_config& config,
                         const std::string& marker = {}) {
  point_result result;
  const std::string prefix = "mailslot-bench\\" + pid_text() + "\\scale-" + kind_name(kind) + "-" +
                             std::to_string(slots) + "\\";
  arrivals into(slots);
  const auto clock_start = std::chrono::steady_clock::now();
  std::unique_ptr<reader_set> readers = make_readers(kind, slots, into, prefix);
  if (readers == nullptr) {
    result.ok = false;
    result.why = "this kind is not built in";
    return result;
  }
  (void)figures_now();  // (the figures' own first allocations, before the baseline)
  const process_figures before = figures_now();
  const auto setup_start = std::chrono::steady_clock::now();
  std::string last_view;  // (once the process runs short of file descriptors, none can be read)
  for (std::size_t i = 0; i < slots && result.ok; ++i) {
    if (i % 1024 == 0 && i != 0) {
      if (std::string seen = linux_view(marker); !seen.empty()) {
        last_view = "at slot " + std::to_string(i) + ": " + seen;
      }
    }
    if (i % 256 == 0) {
      MEMORYSTATUSEX memory{};
      memory.dwLength = sizeof memory;
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
      if (::GlobalMemoryStatusEx(&memory) != FALSE &&
          static_cast<double>(memory.ullAvailPhys) < config.memory_floor_bytes) {
        result.ok = false;
        result.stopped = true;
        result.why = "memory: " + std::to_string(memory.ullAvailPhys >> 20U) +
                     " MiB of physical memory left after " + std::to_string(i) + " slots";
        break;
      }
      if (elapsed > config.setup_limit_s) {
        result.ok = false;
        result.stopped = true;
        result.why = "time: " + std::to_string(i) + " slots set up in " +
                     std::to_string(static_cast<int>(elapsed)) + " s";
        break;
      }
    }
    std::error_code ec;
    mailslot::server server = windows_kind(mailslot::name::local(prefix + std::to_string(i)), ec);
    if (ec) {
      result.ok = false;
      result.stopped = true;
      result.why = "slot " + std::to_string(i) + ": NtCreateMailslotFile: " + ec.message();
      break;
    }
    std::string why;
    if (!readers->add(static_cast<std::uint32_t>(i), std::move(server), why)) {
      result.ok = false;
      result.stopped = true;
      result.why = "slot " + std::to_string(i) + ": " + why;
    }
  }
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
  if (!result.ok) {
    if (const std::string seen = linux_view(marker); !seen.empty()) {
      result.why += " [now: " + seen + "]";
    }
    if (!last_view.empty()) {
      result.why += " [" + last_view + "]";
    }
    readers->stop();
    return result;
  }
  const std::string seen_after_setup = linux_view(marker);
  const process_figures after = figures_now();
  const double n = static_cast<double>(slots);
  const double bytes_per_slot = (after.bytes - before.bytes) / n;
  const double handles_per_slot = static_cast<double>(after.handles - before.handles) / n;

  std::vector<HANDLE> clients;
  clients.reserve(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    clients.push_back(open_client(mailslot::name::local(prefix + std::to_string(i))));
    if (clients.back() == INVALID_HANDLE_VALUE) {
      result.ok = false;
      result.why = "client " + std::to_string(i) + ": CreateFileW failed, error " +
                   std::to_string(::GetLastError());
      clients.pop_back();
      break;
    }
  }
  for (const int writers : config.writers) {
    if (!result.ok) {
      break;
    }
    const phase_result burst =
        run_phase(clients, into, writers, config.burst, 0, config.phase_limit_ms);
    phase_result paced;
    std::vector<long long> all_latencies;
    std::vector<double> p99s;
    for (int run = 0; run < config.paced_runs && burst.ok && paced.ok; ++run) {
      paced = run_phase(clients, into, writers, config.paced, config.rate, config.phase_limit_ms);
      all_latencies.insert(all_latencies.end(), paced.latencies.begin(), paced.latencies.end());
      p99s.push_back(paced.p99_us);
    }
    if (paced.ok && !all_latencies.empty()) {
      std::sort(all_latencies.begin(), all_latencies.end());
      paced.p50_us = ticks_to_us(all_latencies[all_latencies.size() / 2]);
      paced.p99_us = median(p99s);
    }
    if (!burst.ok || !paced.ok) {
      result.ok = false;
      result.why = std::string(!burst.ok ? "burst" : "paced") + " phase, " +
                   std::to_string(writers) + " writers: " + (!burst.ok ? burst.why : paced.why);
      break;
    }
    result.cpu_ms += burst.cpu_ms;
    result.server_cpu_ms =
        burst.server_cpu_ms < 0 ? -1 : result.server_cpu_ms + burst.server_cpu_ms;
    std::printf(
        "scale %s %zu %d: msgs/s %.0f p50_us %.0f p99_us %.0f threads %ld bytes_per_slot %.0f "
        "handles_per_slot %.2f\n",
        kind_name(kind), slots, writers, burst.messages_per_second, paced.p50_us, paced.p99_us,
        process_threads(), bytes_per_slot, handles_per_slot);
    std::fflush(stdout);
  }
  for (const HANDLE client : clients) {
    ::CloseHandle(client);
  }
  const auto stop_start = std::chrono::steady_clock::now();
  readers->stop();
  readers.reset();
  const double stop_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stop_start).count();
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - clock_start).count();
  std::printf(
      "  (%s over %zu slots: set up in %.2f s, stopped in %.2f s, %.1f s in all; at rest "
      "before the slots %ld threads, %ld handles%s%s)\n",
      kind_name(kind), slots, setup_s, stop_s, total_s, before.threads, before.handles,
      seen_after_setup.empty() ? "" : "; set up: ", seen_after_setup.c_str());
  std::fflush(stdout);
  return result;
}

// --- scale: the parent, a child process per (kind, N) -----------------------------------------

struct child_outcome {
  DWORD exit_code = 0;
  bool timed_out = false;
  std::vector<std::string> lines;
};

// Runs this program with `arguments`, its output through a pipe (each line
// also printed here, but for the lines meant for this parent alone), for at
// most `limit_ms`.
child_outcome run_child(const std::wstring& arguments, DWORD limit_ms) {
  child_outcome outcome;
  std::wstring program(MAX_PATH, L'\0');
  const DWORD length =
      ::GetModuleFileNameW(nullptr, program.data(), static_cast<DWORD>(program.size()));
  program.resize(length);
  std::wstring command = L"\"" + program + L"\" " + arguments;
  SECURITY_ATTRIBUTES inherit{};
  inherit.nLength = sizeof inherit;
  inherit.bInheritHandle = TRUE;
  HANDLE read_end = nullptr;
  HANDLE write_end = nullptr;
  if (::CreatePipe(&read_end, &write_end, &inherit, 0) == FALSE) {
    outcome.exit_code = ~DWORD{0};
    return outcome;
  }
  ::SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = nullptr;
  startup.hStdOutput = write_end;
  startup.hStdError = write_end;
  PROCESS_INFORMATION process{};
  const BOOL made = ::CreateProcessW(nullptr, command.data(), nullptr, nullptr, TRUE, 0, nullptr,
                                     nullptr, &startup, &process);
  ::CloseHandle(write_end);  // (the child's copy is the only one left: EOF when it ends)
  if (made == FALSE) {
    ::CloseHandle(read_end);
    outcome.exit_code = ~DWORD{0};
    return outcome;
  }
  std::thread reader([&] {
    std::string pending;
    char chunk[4096];
    DWORD got = 0;
    const auto line_done = [&](std::string line) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      // (Not its "main returned" line: the benchmark's own comes at its end.)
      if (line.rfind("scale-cpu", 0) != 0 && line.rfind("main returned", 0) != 0) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
      }
      outcome.lines.push_back(std::move(line));
    };
    while (::ReadFile(read_end, chunk, sizeof chunk, &got, nullptr) != FALSE && got != 0) {
      pending.append(chunk, got);
      for (std::size_t end = pending.find('\n'); end != std::string::npos;
           end = pending.find('\n')) {
        line_done(pending.substr(0, end));
        pending.erase(0, end + 1);
      }
    }
    if (!pending.empty()) {
      line_done(pending);
    }
  });
  if (::WaitForSingleObject(process.hProcess, limit_ms) != WAIT_OBJECT_0) {
    outcome.timed_out = true;
    ::TerminateProcess(process.hProcess, 1);
    ::WaitForSingleObject(process.hProcess, INFINITE);
  }
  reader.join();
  ::GetExitCodeProcess(process.hProcess, &outcome.exit_code);
  ::CloseHandle(process.hThread);
  ::CloseHandle(process.hProcess);
  ::CloseHandle(read_end);
  return outcome;
}

struct printed_point {
  double rate = 0;
  double p50 = 0;
  double p99 = 0;
  long threads = 0;
  double bytes = 0;
  double handles = 0;
};

// Least squares slope of log(y) on log(x).
double log_log_slope(const std::vector<std::pair<double, double>>& points) {
  double sx = 0;
  double sy = 0;
  double sxx = 0;
  double sxy = 0;
  const auto n = static_cast<double>(points.size());
  for (const auto& [x, y] : points) {
    const double lx = std::log(x);
    const double ly = std::log(y);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  const double d = n * sxx - sx * sx;
  return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

// Parses `name` (a decimal) out of a `scale` line: the number after it.
double field(const std::string& line, const char* name) {
  const std::size_t at = line.find(std::string(" ") + name + " ");
  return at == std::string::npos ? 0 : std::atof(line.c_str() + at + std::strlen(name) + 2);
}

}  // namespace

bool run_scale() {
  const scale_config config;
  const std::size_t counts[] = {1, 10, 100, 1000, 10000};
  std::printf(
      "scale: each reader kind over N slots (Windows' handle kind), W writer threads each "
      "writing to its share;\n"
      "%lld messages of %zu B in a burst (msgs/s), then %d runs of %lld paced at %.0f msgs/s "
      "in all (latency\n"
      "from WriteFile to the message in user code: p50 of all, median of the runs' p99s); "
      "threads after the\n"
      "runs; bytes and handles per slot once the readers are set up, their fixed cost left "
      "out; each (kind, N)\n"
      "in a process of its own\n",
      config.burst, scale_size, config.paced_runs, config.paced, config.rate);
  const char* bytes_source = nullptr;
  const char* handles_source = nullptr;
  (void)private_bytes(&bytes_source);
  (void)process_handles(&handles_source);
  std::printf("  (private bytes: %s; handles: %s; threads: Toolhelp32)\n\n", bytes_source,
              handles_source);
  std::fflush(stdout);
  bool ok = true;
  std::map<std::string, std::map<std::pair<std::size_t, int>, printed_point>> table;
  std::vector<std::string> growth;
  const auto scale_start = std::chrono::steady_clock::now();
  for (const reader_kind kind : all_kinds()) {
    std::vector<std::pair<double, double>> cpu;
    std::vector<std::pair<double, double>> server_cpu;
    for (const std::size_t n : counts) {
      const std::wstring kind_wide(kind_name(kind), kind_name(kind) + std::strlen(kind_name(kind)));
      const DWORD limit_ms = n >= 10000 ? 240000 : 150000;
      const child_outcome child =
          run_child(L"--scale-point " + kind_wide + L" " + std::to_wstring(n), limit_ms);
      bool stopped = false;
      for (const std::string& line : child.lines) {
        if (line.rfind("scale-cpu", 0) == 0) {
          const double ms = field(line, "ms");
          if (ms > 0) {
            cpu.emplace_back(static_cast<double>(n), ms);
          }
          const double server_ms = field(line, "server_ms");
          if (server_ms > 0) {
            server_cpu.emplace_back(static_cast<double>(n), server_ms);
          }
        } else if (line.rfind("scale stop", 0) == 0) {
          stopped = true;
        } else if (line.rfind("scale ", 0) == 0) {
          char name[16] = {};
          unsigned long slots = 0;
          int writers = 0;
          if (std::sscanf(line.c_str(), "scale %15s %lu %d:", name, &slots, &writers) == 3) {
            printed_point p;
            p.rate = field(line, "msgs/s");
            p.p50 = field(line, "p50_us");
            p.p99 = field(line, "p99_us");
            p.threads = static_cast<long>(field(line, "threads"));
            p.bytes = field(line, "bytes_per_slot");
            p.handles = field(line, "handles_per_slot");
            table[name][{slots, writers}] = p;
          }
        }
      }
      if (child.timed_out) {
        std::printf("scale stop %s %zu: time: the point took over %lu s and was ended\n",
                    kind_name(kind), n, static_cast<unsigned long>(limit_ms / 1000));
        stopped = true;
      } else if (child.exit_code == 3) {
        stopped = true;  // (the child said why)
      } else if (child.exit_code != 0) {
        std::printf("scale stop %s %zu: the point's process ended with exit code 0x%lx\n",
                    kind_name(kind), n, static_cast<unsigned long>(child.exit_code));
        stopped = true;
        ok = false;
      }
      std::fflush(stdout);
      if (stopped) {
        if (n < 10000) {
          ok = false;  // (below 10,000 slots every kind must hold)
        }
        break;
      }
    }
    if (cpu.size() >= 2) {
      char line[128];
      std::snprintf(line, sizeof line, "scale growth %s: cpu ~ N^%.2f", kind_name(kind),
                    log_log_slope(cpu));
      growth.emplace_back(line);
      std::string detail =
          "  (" + std::string(kind_name(kind)) + " processor ms for " +
          std::to_string(config.burst * static_cast<long long>(config.writers.size())) +
          " messages:";
      for (const auto& [n, ms] : cpu) {
        detail += " N=" + std::to_string(static_cast<long long>(n)) + " " +
                  std::to_string(static_cast<long long>(ms));
      }
      if (server_cpu.size() == cpu.size()) {
        std::snprintf(line, sizeof line,
                      "; the Wine server's ~ N^%.2f:", log_log_slope(server_cpu));
        detail += line;
        for (const auto& [n, ms] : server_cpu) {
          detail += " N=" + std::to_string(static_cast<long long>(n)) + " " +
                    std::to_string(static_cast<long long>(ms));
        }
      }
      growth.push_back(detail + ")");
    }
  }
  std::printf("\n");
  for (const std::string& line : growth) {
    std::printf("%s\n", line.c_str());
  }
  // The targets, read off the points above: threads flat in N, bytes and
  // handles per slot flat from 10 to 1,000 slots, p99 at 1,000 slots within
  // twice that of one slot.
  std::printf("\n");
  for (const auto& [kind, kind_points] : table) {
    const auto& points = kind_points;  // (a lambda may not capture a structured binding in C++17)
    const auto at = [&](std::size_t n, int w) -> const printed_point* {
      const auto found = points.find({n, w});
      return found == points.end() ? nullptr : &found->second;
    };
    std::string line = "scale check " + kind + ":";
    long fewest = 0;
    long most = 0;
    for (const auto& [key, p] : points) {
      if (key.first <= 1000) {
        fewest = fewest == 0 ? p.threads : std::min(fewest, p.threads);
        most = std::max(most, p.threads);
      }
    }
    char part[160];
    std::snprintf(part, sizeof part, " threads %ld..%ld (N 1..1000);", fewest, most);
    line += part;
    if (const printed_point* a = at(10, 1)) {
      if (const printed_point* b = at(1000, 1)) {
        std::snprintf(part, sizeof part,
                      " bytes/slot N=10 %.0f N=1000 %.0f; handles/slot N=10 %.2f N=1000 %.2f;",
                      a->bytes, b->bytes, a->handles, b->handles);
        line += part;
      }
    }
    line += " p99 N=1000/N=1:";
    std::vector<double> ratios;
    for (const int w : config.writers) {
      const printed_point* one = at(1, w);
      const printed_point* thousand = at(1000, w);
      if (one != nullptr && thousand != nullptr && one->p99 > 0) {
        ratios.push_back(thousand->p99 / one->p99);
        std::snprintf(part, sizeof part, " W=%d %.2f", w, ratios.back());
        line += part;
      }
    }
    if (!ratios.empty()) {
      std::snprintf(part, sizeof part, " (median %.2f)", median(ratios));
      line += part;
    }
    std::printf("%s\n", line.c_str());
  }
  std::printf(
      "\nscale: %.0f s in all\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - scale_start).count());
  std::fflush(stdout);
  return ok;
}

int run_scale_point(const char* kind_text, const char* slots_text) {
  const std::optional<reader_kind> kind = kind_named(kind_text);
  const long slots = std::atol(slots_text);
  if (!kind || slots <= 0) {
    std::fprintf(stderr, "mailslot_bench: --scale-point KIND N (thread, pool, asio1, asio2)\n");
    return 2;
  }
  const scale_config config;
  const point_result result =
      scale_point(*kind, static_cast<std::size_t>(slots), config,
                  std::string("--scale-point ") + kind_text + " " + slots_text);
  std::printf("scale-cpu %s %ld: ms %.0f server_ms %.0f\n", kind_text, slots, result.cpu_ms,
              result.server_cpu_ms);
  if (!result.ok) {
    std::printf("scale stop %s %ld: %s\n", kind_text, slots, result.why.c_str());
  }
  std::fflush(stdout);
  if (result.stopped) {
    return 3;
  }
  return result.ok ? 0 : 1;
}

// --- deep queues ----------------------------------------------------------------------------

namespace {

// A deep-queue message: [sequence number, 8 bytes][check word, 8 bytes].
constexpr std::size_t deep_size = 16;
constexpr std::uint64_t deep_check = 0xDEE9DEE9DEE9DEE9ULL;

std::atomic<long long> info_calls{0};
decltype(&::GetMailslotInfo) next_get_info = nullptr;
BOOL WINAPI counting_get_info(HANDLE h, LPDWORD m, LPDWORD n, LPDWORD c, LPDWORD t) {
  info_calls.fetch_add(1);
  return next_get_info(h, m, n, c, t);
}

// Counts the program's GetMailslotInfo calls (the library's included) while
// it lives.
class info_counter {
 public:
  info_counter() {
    next_get_info = reinterpret_cast<decltype(&::GetMailslotInfo)>(mailslot_test::patch_import(
        "GetMailslotInfo", reinterpret_cast<void*>(&counting_get_info)));
  }
  info_counter(const info_counter&) = delete;
  info_counter& operator=(const info_counter&) = delete;
  ~info_counter() {
    if (next_get_info != nullptr) {
      (void)mailslot_test::patch_import("GetMailslotInfo", reinterpret_cast<void*>(next_get_info));
    }
  }
  [[nodiscard]] bool installed() const { return next_get_info != nullptr; }
};

// One slot with its queue: what was written and what was read, in order.
class deep_slot {
 public:
  bool open(mailslot::server made) {
    server = std::move(made);
    client_ = open_client(server.name());
    return server.is_open() && client_ != INVALID_HANDLE_VALUE;
  }
  deep_slot() = default;
  deep_slot(const deep_slot&) = delete;
  deep_slot& operator=(const deep_slot&) = delete;
  ~deep_slot() {
    if (client_ != INVALID_HANDLE_VALUE) {
      ::CloseHandle(client_);
    }
  }

  // Writes until `depth` messages are queued.
  bool fill_to(long long depth) {
    bool ok = true;
    char message[deep_size];
    while (written_ - read_.load() < depth) {
      const auto sequence = static_cast<std::uint64_t>(written_++);
      std::memcpy(message, &sequence, 8);
      std::memcpy(message + 8, &deep_check, 8);
      DWORD done = 0;
      ok &= ::WriteFile(client_, message, sizeof message, &done, nullptr) != FALSE;
    }
    return ok;
  }

  // A message read: the next one in order, whole.
  void take(std::string_view message) {
    std::uint64_t sequence = 0;
    std::uint64_t check = 0;
    if (message.size() == deep_size) {
      std::memcpy(&sequence, message.data(), 8);
      std::memcpy(&check, message.data() + 8, 8);
    }
    const long long expected = read_.fetch_add(1);
    if (message.size() != deep_size || check != deep_check ||
        sequence != static_cast<std::uint64_t>(expected)) {
      bad_.fetch_add(1);
    }
  }
  void failed() { bad_.fetch_add(1); }
  [[nodiscard]] long long bad() const { return bad_.load(); }
  [[nodiscard]] long long read_count() const { return read_.load(); }

  mailslot::server server;

 private:
  HANDLE client_ = INVALID_HANDLE_VALUE;
  long long written_ = 0;
  std::atomic<long long> read_{0};
  std::atomic<long long> bad_{0};
};

enum class deep_form {
  raw,
  info_first,
  buffer,
  container,
  owned,
  try_read_0,
  try_read_1s,
  pool,
  asio_read,
  asio_batch
};
const char* deep_form_name(deep_form form) {
  switch (form) {
    case deep_form::raw:
      return "raw-ReadFile";
    case deep_form::info_first:
      return "GetMailslotInfo-first";
    case deep_form::buffer:
      return "read-buffer";
    case deep_form::container:
      return "read-string";
    case deep_form::owned:
      return "read<std::string>";
    case deep_form::try_read_0:
      return "try_read-0ms";
    case deep_form::try_read_1s:
      return "try_read-1s";
    case deep_form::pool:
      return "thread_pool_reader";
    case deep_form::asio_read:
      return "asio-async_read";
    case deep_form::asio_batch:
      return "asio-async_read_some_messages";
  }
  return "?";
}

// Reads `count` messages of `slot` with one of the server's own forms, or
// raw Win32; each checked. (Messages are waiting: no read waits.)
void read_directly(deep_form form, deep_slot& slot, long long count) {
  mailslot::server& server = slot.server;
  const HANDLE handle = server.native_handle();
  const bool asynchronous = mailslot_test::is_asynchronous(handle);
  std::vector<char> buffer(4096);
  std::string kept;
  std::error_code ec;
  const auto raw_read = [&](DWORD& received) {
    if (!asynchronous) {
      return ::ReadFile(handle, buffer.data(), static_cast<DWORD>(buffer.size()), &received,
                        nullptr) != FALSE;
    }
    OVERLAPPED overlapped{};
    static thread_local const HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    overlapped.hEvent = event;
    if (::ReadFile(handle, buffer.data(), static_cast<DWORD>(buffer.size()), &received,
                   &overlapped) != FALSE) {
      return true;
    }
    return ::GetLastError() == ERROR_IO_PENDING &&
           ::GetOverlappedResult(handle, &overlapped, &received, TRUE) != FALSE;
  };
  for (long long i = 0; i < count; ++i) {
    DWORD received = 0;
    switch (form) {
      case deep_form::raw:
        if (raw_read(received)) {
          slot.take(std::string_view(buffer.data(), received));
        } else {
          slot.failed();
        }
        break;
      case deep_form::info_first: {
        DWORD next = 0;
        if (::GetMailslotInfo(handle, nullptr, &next, nullptr, nullptr) != FALSE &&
            next <= buffer.size() && raw_read(received)) {
          slot.take(std::string_view(buffer.data(), received));
        } else {
          slot.failed();
        }
        break;
      }
      case deep_form::buffer: {
        const std::size_t size = server.read(mailslot::buffer(buffer.data(), buffer.size()), ec);
        if (ec) {
          slot.failed();
        } else {
          slot.take(std::string_view(buffer.data(), size));
        }
        break;
      }
      case deep_form::container:
        (void)server.read(kept, ec);
        if (ec) {
          slot.failed();
        } else {
          slot.take(kept);
        }
        break;
      case deep_form::owned: {
        const std::string message = server.read(ec);
        if (ec) {
          slot.failed();
        } else {
          slot.take(message);
        }
        break;
      }
      case deep_form::try_read_0:
      case deep_form::try_read_1s: {
        const auto timeout = form == deep_form::try_read_0 ? std::chrono::milliseconds(0)
                                                           : std::chrono::milliseconds(1000);
        const std::optional<std::string> message = server.try_read(timeout, ec);
        if (ec || !message) {
          slot.failed();
        } else {
          slot.take(*message);
        }
        break;
      }
      default:
        slot.failed();
        break;
    }
  }
}

// The thread pool reader over `count` messages: started, and stopped from
// inside the callback of the last, so that it takes no more.
class deep_pool {
 public:
  explicit deep_pool(deep_slot& slot) : slot_(slot) {}
  deep_pool(const deep_pool&) = delete;
  deep_pool& operator=(const deep_pool&) = delete;
  ~deep_pool() { ::CloseHandle(done_); }
  void read(long long count) {
    left_.store(count);
    ::ResetEvent(done_);
    std::error_code ec;
    reader_.start(
        slot_.server,
        [this](const std::error_code& error, std::string_view message) {
          if (error) {
            slot_.failed();
            ::SetEvent(done_);
            return;
          }
          slot_.take(message);
          if (left_.fetch_sub(1) == 1) {
            reader_.stop();  // (from inside the callback: this is the last)
            ::SetEvent(done_);
          }
        },
        ec);
    if (ec || ::WaitForSingleObject(done_, 60000) != WAIT_OBJECT_0) {
      slot_.failed();
    }
    reader_.stop();
  }

 private:
  deep_slot& slot_;
  mailslot::thread_pool_reader reader_;
  std::atomic<long long> left_{0};
  HANDLE done_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
};

#if MAILSLOT_BENCH_ASIO
// How many messages one batch read takes at most.
constexpr std::size_t batch_max = 64;

// Asio reads of `count` messages on `io` (run by this thread): one
// async_read<std::string> per message, or batch reads.
template <class Server>
struct deep_asio {
  Server& server;
  deep_slot& slot;
  long long left = 0;
  std::vector<std::string> batch;

  void read_one() {
    server.async_read([this](const std::error_code& ec, std::string message) {
      if (ec) {
        slot.failed();
        return;
      }
      slot.take(message);
      if (--left > 0) {
        read_one();
      }
    });
  }
  void read_some() {
    const auto most =
        static_cast<std::size_t>(std::min<long long>(static_cast<long long>(batch_max), left));
    server.async_read_some_messages(most, batch, [this](const std::error_code& ec, std::size_t n) {
      if (ec || n == 0 || n != batch.size()) {
        slot.failed();
        return;
      }
      for (std::size_t i = 0; i < n; ++i) {
        slot.take(batch[i]);
      }
      left -= static_cast<long long>(n);
      if (left > 0) {
        read_some();
      }
    });
  }
};
#endif

struct deep_config {
  std::vector<long long> depths{1000, 10000, 100000};
  long long most_per_read = 1000;      // messages a form reads in one timed go: at most this,
  long long depth_share = 4;           // and at most the depth divided by this
  long long info_first_at_most = 100;  // (GetMailslotInfo first costs milliseconds when deep)
  int rounds = 5;
};

// Each form's microseconds per message at each depth (medians over the
// rounds), and its GetMailslotInfo calls per message.
struct deep_row {
  std::map<long long, std::vector<double>> us;
  std::map<long long, std::pair<long long, long long>> info;  // calls, messages
};

// One queue of a group: its slot, and the reading machinery of the kinds
// that read it, made once (their first use, binding and buffers, taken by a
// warm-up read of a few messages).
class deep_queue {
 public:
  deep_queue() = default;
  deep_queue(const deep_queue&) = delete;
  deep_queue& operator=(const deep_queue&) = delete;
  ~deep_queue() = default;

  bool open(mailslot::server server, const std::vector<deep_form>& forms) {
    if (!slot_.open(std::move(server))) {
      return false;
    }
    for (const deep_form form : forms) {
      if (form == deep_form::pool && !pool_) {
        pool_.emplace(slot_);
      }
#if MAILSLOT_BENCH_ASIO
      if ((form == deep_form::asio_read || form == deep_form::asio_batch) && !io_) {
        io_.emplace(1);
        asio_server_.emplace(io_->get_executor());
        std::error_code ec;
        asio_server_->assign(std::move(slot_.server), ec);
        if (ec) {
          return false;
        }
        asio_reads_.emplace(deep_asio<mailslot::asio::server>{*asio_server_, slot_, 0, {}});
      }
#endif
    }
    bool ok = slot_.fill_to(static_cast<long long>(forms.size()) * 8);
    for (const deep_form form : forms) {
      read_with(form, 8);  // (warm-up)
    }
    return ok;
  }

  void read_with(deep_form form, long long count) {
    switch (form) {
      case deep_form::pool:
        pool_->read(count);
        break;
#if MAILSLOT_BENCH_ASIO
      case deep_form::asio_read:
      case deep_form::asio_batch:
        asio_reads_->left = count;
        io_->restart();
        if (form == deep_form::asio_read) {
          asio_reads_->read_one();
        } else {
          asio_reads_->read_some();
        }
        io_->run();
        break;
#endif
      default:
        read_directly(form, slot_, count);
        break;
    }
  }

  deep_slot& slot() { return slot_; }

 private:
  deep_slot slot_;  // (first: the machinery below reads it, and is destroyed before it)
#if MAILSLOT_BENCH_ASIO
  std::optional<::asio::io_context> io_;
  std::optional<mailslot::asio::server> asio_server_;
  std::optional<deep_asio<mailslot::asio::server>> asio_reads_;
#endif
  std::optional<deep_pool> pool_;
};

// One group of forms over a queue per depth (each from `make`), in rounds:
// each round visits the depths and, at each, the forms, both in rotating
// order, so that the machine's load falls on every depth and form alike.
// False if a message arrived wrong.
template <class MakeServer>
bool deep_group(MakeServer make, const std::vector<deep_form>& forms, const deep_config& config,
                std::map<std::string, deep_row>& rows, const std::string& suffix) {
  const std::size_t depths = config.depths.size();
  std::vector<std::unique_ptr<deep_queue>> queues;
  bool ok = true;
  for (std::size_t d = 0; d < depths && ok; ++d) {
    queues.push_back(std::make_unique<deep_queue>());
    ok = queues.back()->open(make(), forms) && queues.back()->slot().fill_to(config.depths[d]);
  }
  for (int round = 0; round < config.rounds && ok; ++round) {
    for (std::size_t j = 0; j < depths; ++j) {
      const std::size_t d = (j + static_cast<std::size_t>(round)) % depths;
      const long long depth = config.depths[d];
      deep_queue& queue = *queues[d];
      for (std::size_t k = 0; k < forms.size(); ++k) {
        const deep_form form = forms[(k + static_cast<std::size_t>(round)) % forms.size()];
        long long per_read =
            std::max<long long>(1, std::min(config.most_per_read, depth / config.depth_share));
        if (form == deep_form::info_first) {
          per_read = std::min(per_read, config.info_first_at_most);
        }
        deep_row& row = rows[std::string(deep_form_name(form)) + suffix];
        const long long calls_before = info_calls.load();
        const long long start = now_ticks();
        queue.read_with(form, per_read);
        const long long elapsed = now_ticks() - start;
        row.us[depth].push_back(ticks_to_us(elapsed) / static_cast<double>(per_read));
        auto& [calls, messages] = row.info[depth];
        calls += info_calls.load() - calls_before;
        messages += per_read;
        ok &= queue.slot().fill_to(depth);  // (not timed)
      }
    }
  }
  long long bad = 0;
  for (const auto& queue : queues) {
    bad += queue->slot().bad();
  }
  if (bad != 0) {
    std::printf("deep: %s%s: %lld messages arrived wrong\n", deep_form_name(forms.front()),
                suffix.c_str(), bad);
  }
  return ok && bad == 0;
}

bool deep(const deep_config& config, bool print) {
  const info_counter counter;
  if (!counter.installed()) {
    std::fprintf(stderr, "mailslot_bench: could not patch GetMailslotInfo\n");
    return false;
  }
  const auto deep_start = std::chrono::steady_clock::now();
  const std::string prefix = "mailslot-bench\\" + pid_text() + "\\deep-";
  std::map<std::string, deep_row> rows;
  std::vector<std::string> order;
  const std::vector<deep_form> direct = {
      deep_form::raw,   deep_form::info_first, deep_form::buffer,     deep_form::container,
      deep_form::owned, deep_form::try_read_0, deep_form::try_read_1s};
  bool ok = true;
  int made = 0;
  const auto next_name = [&] { return mailslot::name::local(prefix + std::to_string(made++)); };
  const auto plain = [&] {
    std::error_code ec;
    return mailslot::server::create(next_name(), ec);
  };
  const auto windows = [&] {
    std::error_code ec;
    return windows_kind(next_name(), ec);
  };
  const auto run_group = [&](auto make, const std::vector<deep_form>& forms,
                             const std::string& suffix) {
    for (const deep_form form : forms) {
      order.push_back(std::string(deep_form_name(form)) + suffix);
    }
    ok &= deep_group(make, forms, config, rows, suffix);
  };
  {
    // CreateMailslotW's handle: synchronous under Wine, asynchronous on Windows.
    const mailslot::server probe = plain();
    run_group(plain, direct,
              mailslot_test::is_asynchronous(probe.native_handle()) ? "/async-cm" : "/sync");
  }
  run_group(windows, direct, "/async");
  run_group(windows, {deep_form::pool}, "");
#if MAILSLOT_BENCH_ASIO
  run_group(windows, {deep_form::asio_read, deep_form::asio_batch}, "");
#endif
  if (print) {
    for (const std::string& name : order) {
      const deep_row& row = rows[name];
      std::string line = "deep " + name + ":";
      std::string calls = " (GetMailslotInfo per msg:";
      char part[64];
      for (const long long depth : config.depths) {
        const auto found = row.us.find(depth);
        std::snprintf(part, sizeof part, " %lld %.1f us/msg", depth,
                      found == row.us.end() ? 0.0 : median(found->second));
        line += part;
        const auto info = row.info.find(depth);
        std::snprintf(part, sizeof part, " %.3f",
                      info == row.info.end() || info->second.second == 0
                          ? 0.0
                          : static_cast<double>(info->second.first) /
                                static_cast<double>(info->second.second));
        calls += part;
      }
      std::printf("%s%s)\n", line.c_str(), calls.c_str());
    }

    std::printf(
        "\ndeep: %.0f s in all\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - deep_start).count());
    std::fflush(stdout);
  }
  return ok;
}

}  // namespace

bool run_deep() {
  const deep_config config;
  std::printf(
      "deep queues: a slot nobody reads holds D messages of %zu B (a slot per depth and group of "
      "forms);\n"
      "each form reads %lld of them (at most D/%lld; GetMailslotInfo first %lld), timed, and as "
      "many are\n"
      "written back, untimed; the depths and forms in rotating order, median of %d rounds;\n"
      "GetMailslotInfo calls per message counted through the import table\n\n",
      deep_size, config.most_per_read, config.depth_share, config.info_first_at_most,
      config.rounds);
  std::fflush(stdout);
  return deep(config, true);
}

bool run_scale_and_deep_quick() {
  bool ok = true;
  scale_config config;
  config.writers = {2};
  config.burst = 64;
  config.paced = 16;
  config.paced_runs = 1;
  config.rate = 4000;
  config.phase_limit_ms = 20000;
  std::printf("\nscale and deep queues, a tiny point of each:\n");
  for (const reader_kind kind : all_kinds()) {
    const point_result result = scale_point(kind, 3, config);
    if (!result.ok) {
      std::printf("scale %s 3: %s\n", kind_name(kind), result.why.c_str());
    }
    ok &= result.ok;
  }
  deep_config small;
  small.depths = {40};
  small.most_per_read = 10;
  small.rounds = 1;
  ok &= deep(small, true);
  return ok;
}

}  // namespace mailslot_bench
