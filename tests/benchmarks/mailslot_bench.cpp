// mailslot_bench: the library against raw Win32, side by side in one process.
//
// On both kinds of server handle (tests/support/slot_kinds.hpp): the one
// CreateMailslotW gives here (synchronous under Wine) and the one Windows'
// CreateMailslotW gives (asynchronous, made with NtCreateMailslotFile). For
// each message size and kind, these ways to receive a message, one writer and
// one reader (the same thread: write a batch, then read it back):
//   raw         ReadFile into a preallocated buffer; on an asynchronous
//               handle with an OVERLAPPED and GetOverlappedResult, as
//               Windows requires
//   buffer      server::read into a preallocated buffer
//   container   server::read into a std::vector<std::byte> kept across reads
//   owned       server::read<std::vector<std::byte>> (a new, exactly sized vector)
//   try_read    server::try_read into the buffer with a 1 s timeout
//   info-first  GetMailslotInfo + an exactly sized vector + ReadFile, the
//               pattern most wrappers use for owned messages
// All writes are WriteFile on a raw handle. Rounds interleave the ways (in
// rotating order); the report gives medians over the rounds, the ratio of
// each to raw on the same kind, heap allocations per message (the program's
// operator new counts them: tests/windows/allocations.cpp) and Win32 calls per
// message (this program's import table is patched to count them: the library
// is header-only, so its calls go through the same table as the baseline's).
//
// Then listening: the thread pool reader (mailslot/thread_pool_reader.hpp)
// and the Asio server (mailslot/asio.hpp: a callback that starts the next
// async_read<std::string>, one thread running the io_context) against a thread
// blocked in read<std::string>, with two raw baselines: a CreateThreadpoolIo loop
// with one completion packet per message, and Asio's own
// windows::stream_handle::async_read_some. On Windows' handle kind, at 16 B,
// 424 B, 4 KiB and 64 KiB: latency from WriteFile to the message in user code
// (median, p99; one message at a time), messages per second (a burst), and
// how many threads the messages arrived on (the pool's workers are shared by
// every reader of the process; the blocking way owns its one thread). Then
// one line per size with each way's burst rate divided by the thread's, and
// one with the median latencies divided by the thread's. Last, where a read's
// time goes through a completion port: a packet per read, a read completed at
// once and posted to the port (what an Asio handler deferred from an
// immediate completion costs), and a read completed inline.
//
// Then idle: what a reader costs while nothing arrives, on a slot whose read
// timeout is 0, 1 ms, 50 ms or wait_forever (the library never changes it).
// Each reader kind listens for a second of silence (ReadFile calls per second
// and the process's processor time per second), then receives messages
// written one at a time at random moments (latency from WriteFile to the
// message in user code: median and largest). The kinds: a thread looping on
// try_read<std::string>(1 s) on each handle kind, the thread pool reader, the Asio
// server (async_read<std::string>, one thread running the io_context), and, for
// comparison, a thread looping on read<std::string>, which waits the slot's
// timeout by definition.
//
// Then the library's own cost per read, with the kernel taken out: ReadFile,
// GetMailslotInfo, GetOverlappedResult and WaitForMultipleObjects replaced,
// through the import table, by stubs that hand over a canned message at once
// (under Wine a ReadFile costs about 100 us, which hides the library's
// nanoseconds). A raw loop calls the same stubs. One line per form, size and
// handle kind: `overhead SIZE FORM: library X ns raw Y ns extra Z ns allocs N`.
//
//   mailslot_bench [--quick | --listening | --idle | --overhead | --scale | --deep]
//     --quick: a few small rounds, for the tests; --listening, --idle: that
//     part only; --scale, --deep: the parts in scale.cpp (the full run
//     includes --deep, not --scale)

#if MAILSLOT_BENCH_ASIO
#  include <mailslot/asio.hpp>  // (before <windows.h>)

#  include <asio/buffer.hpp>
#  include <asio/executor_work_guard.hpp>
#  include <asio/io_context.hpp>
#  include <asio/post.hpp>
#  include <asio/windows/stream_handle.hpp>
#endif
#include <mailslot/mailslot.hpp>
#include <mailslot/thread_pool_reader.hpp>

#include <benchmarks/scale.hpp>
#include <support/allocations.hpp>
#include <support/import_patch.hpp>
#include <support/slot_kinds.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// --- counting Win32 calls ------------------------------------------------------------------

namespace {

struct call_counts {
  long long read_file = 0;
  long long get_info = 0;
  long long overlapped_result = 0;
  long long wait = 0;
  long long cancel = 0;

  [[nodiscard]] long long total() const {
    return read_file + get_info + overlapped_result + wait + cancel;
  }
  call_counts operator-(const call_counts& o) const {
    return {read_file - o.read_file, get_info - o.get_info, overlapped_result - o.overlapped_result,
            wait - o.wait, cancel - o.cancel};
  }
};
call_counts calls;

decltype(&::ReadFile) real_read_file = nullptr;
decltype(&::GetMailslotInfo) real_get_info = nullptr;
decltype(&::GetOverlappedResult) real_overlapped_result = nullptr;
decltype(&::WaitForMultipleObjects) real_wait = nullptr;
decltype(&::CancelIoEx) real_cancel = nullptr;

BOOL WINAPI counting_read_file(HANDLE h, LPVOID b, DWORD n, LPDWORD r, LPOVERLAPPED o) {
  ++calls.read_file;
  return real_read_file(h, b, n, r, o);
}
BOOL WINAPI counting_get_info(HANDLE h, LPDWORD m, LPDWORD n, LPDWORD c, LPDWORD t) {
  ++calls.get_info;
  return real_get_info(h, m, n, c, t);
}
BOOL WINAPI counting_overlapped_result(HANDLE h, LPOVERLAPPED o, LPDWORD n, BOOL w) {
  ++calls.overlapped_result;
  return real_overlapped_result(h, o, n, w);
}
DWORD WINAPI counting_wait(DWORD n, const HANDLE* h, BOOL all, DWORD ms) {
  ++calls.wait;
  return real_wait(n, h, all, ms);
}
BOOL WINAPI counting_cancel(HANDLE h, LPOVERLAPPED o) {
  ++calls.cancel;
  return real_cancel(h, o);
}

template <class F>
bool hook(const char* name, F replacement, F& original) {
  original =
      reinterpret_cast<F>(mailslot_test::patch_import(name, reinterpret_cast<void*>(replacement)));
  return original != nullptr;
}

// Every function counted is called by this program, the baseline included,
// so each must be found.
bool install_counters() {
  return hook("ReadFile", &counting_read_file, real_read_file) &&
         hook("GetMailslotInfo", &counting_get_info, real_get_info) &&
         hook("GetOverlappedResult", &counting_overlapped_result, real_overlapped_result) &&
         hook("WaitForMultipleObjects", &counting_wait, real_wait) &&
         hook("CancelIoEx", &counting_cancel, real_cancel);
}

// --- the ways ------------------------------------------------------------------------------

enum class way { raw, buffer, container, owned, try_read, info_first };
constexpr way all_ways[] = {way::raw,   way::buffer,   way::container,
                            way::owned, way::try_read, way::info_first};
const char* way_name(way w) {
  switch (w) {
    case way::raw:
      return "raw Win32";
    case way::buffer:
      return "library, buffer";
    case way::container:
      return "library, container";
    case way::owned:
      return "library, owned";
    case way::try_read:
      return "library, try_read 1 s";
    case way::info_first:
      return "GetMailslotInfo first";
  }
  return "?";
}

struct sample {
  double ns_per_message = 0;
  double allocations_per_message = 0;
  call_counts calls;
  bool ok = true;
};

struct fixture {
  mailslot::server server;      // the library's reads
  HANDLE raw_server = nullptr;  // a second slot of the same kind, read without the library
  bool asynchronous = false;
  HANDLE event = nullptr;  // the raw reads' OVERLAPPED event
  HANDLE client = nullptr;
  HANDLE raw_client = nullptr;
  std::vector<char> message;
  std::vector<char> buffer;
  std::vector<std::byte> kept;
};

// ReadFile as Windows needs it on the handle's kind: on an asynchronous
// handle with an OVERLAPPED, waiting for a pending read to complete.
bool raw_read(const fixture& f, void* buffer, DWORD size, DWORD& received) {
  if (!f.asynchronous) {
    return ::ReadFile(f.raw_server, buffer, size, &received, nullptr) != FALSE;
  }
  OVERLAPPED overlapped{};
  overlapped.hEvent = f.event;
  if (::ReadFile(f.raw_server, buffer, size, &received, &overlapped) != FALSE) {
    return true;
  }
  return ::GetLastError() == ERROR_IO_PENDING &&
         ::GetOverlappedResult(f.raw_server, &overlapped, &received, TRUE) != FALSE;
}

// Receives `count` messages the way `w` does; false if anything arrived wrong.
bool run(fixture& f, way w, int count) {
  const auto size = static_cast<DWORD>(f.message.size());
  const HANDLE client = w == way::raw || w == way::info_first ? f.raw_client : f.client;
  bool ok = true;
  DWORD done = 0;
  for (int i = 0; i < count; ++i) {
    ok &= ::WriteFile(client, f.message.data(), size, &done, nullptr) != FALSE;
  }
  std::error_code ec;
  for (int i = 0; i < count; ++i) {
    switch (w) {
      case way::raw:
        ok &=
            raw_read(f, f.buffer.data(), static_cast<DWORD>(f.buffer.size()), done) && done == size;
        break;
      case way::buffer:
        ok &= f.server.read(mailslot::buffer(f.buffer.data(), f.buffer.size()), ec) == size && !ec;
        break;
      case way::container:
        ok &= f.server.read(f.kept, ec) == size && !ec;
        break;
      case way::owned:
        ok &= f.server.template read<std::vector<std::byte>>(ec).size() == size && !ec;
        break;
      case way::try_read:
        ok &= f.server.try_read(mailslot::buffer(f.buffer.data(), f.buffer.size()),
                                std::chrono::seconds(1), ec) == size &&
              !ec;
        break;
      case way::info_first: {
        DWORD next = 0;
        ok &= ::GetMailslotInfo(f.raw_server, nullptr, &next, nullptr, nullptr) != FALSE;
        std::vector<std::byte> message(next);
        ok &= raw_read(f, message.data(), next, done) && done == size;
        break;
      }
    }
  }
  return ok;
}

sample measure(fixture& f, way w, int count) {
  const call_counts before_calls = calls;
  const long long before_allocations = mailslot_test::allocations::count();
  const auto start = std::chrono::steady_clock::now();
  const bool ok = run(f, w, count);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  sample s;
  s.ok = ok;
  s.ns_per_message =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
      count;
  s.allocations_per_message =
      static_cast<double>(mailslot_test::allocations::count() - before_allocations) / count;
  s.calls = calls - before_calls;
  return s;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

HANDLE open_client(const mailslot::name& slot) {
  return ::CreateFileW(slot.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
}

// The two slots of one size and kind, their clients, the buffers.
template <class Kind>
bool make_fixture(fixture& f, const std::string& prefix, std::size_t size) {
  const auto name = mailslot::name::local(prefix + "-lib");
  const auto raw_name = mailslot::name::local(prefix + "-raw");
  std::error_code ec;
  f.server = Kind::create(name, {}, ec);
  mailslot::server raw = Kind::create(raw_name, {}, ec);
  if (ec || !f.server) {
    return false;
  }
  f.raw_server = raw.release();
  f.asynchronous = mailslot_test::is_asynchronous(f.raw_server);
  f.event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  f.client = open_client(name);
  f.raw_client = open_client(raw_name);
  f.message.assign(size, 'm');
  f.buffer.assign((std::max<std::size_t>)(size, 1), 0);
  return f.event != nullptr && f.client != INVALID_HANDLE_VALUE &&
         f.raw_client != INVALID_HANDLE_VALUE;
}

void close_fixture(fixture& f) {
  ::CloseHandle(f.client);
  ::CloseHandle(f.raw_client);
  ::CloseHandle(f.raw_server);
  ::CloseHandle(f.event);
}

// Measures every way on one kind and size; prints the rows; false if anything
// arrived wrong.
template <class Kind>
bool bench(std::size_t size, int rounds, bool quick, const std::string& pid) {
  fixture f;
  std::wstring kind_id = Kind::id;
  const std::string prefix = "mailslot-bench\\" + pid + "\\" +
                             std::string(kind_id.begin(), kind_id.end()) + "-" +
                             std::to_string(size);
  if (!make_fixture<Kind>(f, prefix, size)) {
    std::fprintf(stderr, "mailslot_bench: could not create the slots\n");
    return false;
  }
  // Batches small enough that the queued bytes stay modest.
  const int count =
      quick ? 20 : static_cast<int>(std::clamp<std::size_t>((8U << 20U) / (size + 64), 100, 1000));
  bool ok = true;
  for (const way w : all_ways) {
    ok &= measure(f, w, count).ok;  // warm-up: first-use costs (events, capacity) stay out
  }
  std::vector<std::vector<double>> times(std::size(all_ways));
  std::vector<sample> last(std::size(all_ways));
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t k = 0; k < std::size(all_ways); ++k) {
      const std::size_t index = (k + static_cast<std::size_t>(round)) % std::size(all_ways);
      const sample s = measure(f, all_ways[index], count);
      ok &= s.ok;
      times[index].push_back(s.ns_per_message);
      last[index] = s;
    }
  }
  const double raw = median(times[0]);
  for (std::size_t index = 0; index < std::size(all_ways); ++index) {
    const sample& s = last[index];
    const double per = 1.0 / count;
    std::printf("%8zu  %-13s %-22s %10.0f %7.3f %8.2f %7.2f  (%.2f %.2f %.2f %.2f %.2f)\n", size,
                f.asynchronous ? "asynchronous" : "synchronous", way_name(all_ways[index]),
                median(times[index]), median(times[index]) / raw, s.allocations_per_message,
                static_cast<double>(s.calls.total()) * per,
                static_cast<double>(s.calls.read_file) * per,
                static_cast<double>(s.calls.get_info) * per,
                static_cast<double>(s.calls.overlapped_result) * per,
                static_cast<double>(s.calls.wait) * per, static_cast<double>(s.calls.cancel) * per);
  }
  std::printf("\n");
  close_fixture(f);
  return ok;
}

}  // namespace

// --- the thread pool reader against a reading thread ----------------------------------------

namespace {

long long now_ticks() {
  LARGE_INTEGER t{};
  ::QueryPerformanceCounter(&t);
  return t.QuadPart;
}

double ticks_to_us(long long ticks) {
  LARGE_INTEGER f{};
  ::QueryPerformanceFrequency(&f);
  return static_cast<double>(ticks) * 1e6 / static_cast<double>(f.QuadPart);
}

// Where a listener records each message: its latency (the writer's
// timestamp is the message's first 8 bytes) and how many arrived.
struct arrivals {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<long long> latencies;
  std::set<DWORD> threads;  // the threads the messages arrived on
  bool intact = true;

  void take(std::string_view message, std::size_t size) {
    const long long arrived = now_ticks();
    long long sent = 0;
    std::memcpy(&sent, message.data(), sizeof sent);
    std::lock_guard<std::mutex> hold(mutex);
    intact = intact && message.size() == size;
    latencies.push_back(arrived - sent);
    threads.insert(::GetCurrentThreadId());
    changed.notify_all();
  }
  void wait_for(std::size_t count) {
    std::unique_lock<std::mutex> hold(mutex);
    changed.wait_for(hold, std::chrono::seconds(30), [&] { return latencies.size() >= count; });
  }
};

struct listening_sample {
  double messages_per_second = 0;
  double median_us = 0;
  double p99_us = 0;
  std::size_t threads = 0;    // the threads the messages arrived on
  double per_completion = 1;  // a batch reader's messages per completion in the burst
  bool ok = true;
};

// Writes `count` timestamped messages of `size` bytes one at a time (each
// waits for the previous to arrive: latency) and then in a burst
// (throughput), to a slot that `listen` reads into `into`.
listening_sample measure_listening(const mailslot::name& slot, std::size_t size, int count,
                                   arrivals& into) {
  listening_sample s;
  const HANDLE client = open_client(slot);
  std::vector<char> message((std::max)(size, sizeof(long long)), 'p');
  DWORD done = 0;
  for (int i = 0; i < count; ++i) {  // one at a time
    const long long t = now_ticks();
    std::memcpy(message.data(), &t, sizeof t);
    s.ok &= ::WriteFile(client, message.data(), static_cast<DWORD>(size), &done, nullptr) != FALSE;
    into.wait_for(static_cast<std::size_t>(i) + 1);
  }
  std::vector<long long> latencies;
  {
    std::lock_guard<std::mutex> hold(into.mutex);
    latencies = into.latencies;
    s.ok &= into.intact && latencies.size() == static_cast<std::size_t>(count);
  }
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    s.median_us = ticks_to_us(latencies[latencies.size() / 2]);
    s.p99_us = ticks_to_us(latencies[latencies.size() * 99 / 100]);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {  // a burst
    const long long t = now_ticks();
    std::memcpy(message.data(), &t, sizeof t);
    s.ok &= ::WriteFile(client, message.data(), static_cast<DWORD>(size), &done, nullptr) != FALSE;
  }
  into.wait_for(2 * static_cast<std::size_t>(count));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.messages_per_second = count / seconds;
  {
    std::lock_guard<std::mutex> hold(into.mutex);
    s.threads = into.threads.size();
  }
  ::CloseHandle(client);
  return s;
}

// The raw thread pool loop, with one completion packet per message: what
// the thread pool reader was before it skipped the port on success, and what
// a program writes by hand with CreateThreadpoolIo.
class raw_pool_loop {
 public:
  raw_pool_loop(HANDLE handle, std::size_t size, arrivals& into)
      : handle_(handle), buffer_((std::max)(size, std::size_t{1})), size_(size), into_(into) {
    io_ = ::CreateThreadpoolIo(handle_, &on_completion, this, nullptr);
  }
  raw_pool_loop(const raw_pool_loop&) = delete;
  raw_pool_loop& operator=(const raw_pool_loop&) = delete;
  ~raw_pool_loop() {
    {
      // Under the lock that read() takes: no read starts after the cancel.
      const std::lock_guard<std::mutex> hold(mutex_);
      stopping_ = true;
      ::CancelIoEx(handle_, &overlapped_);
    }
    ::WaitForThreadpoolIoCallbacks(io_, FALSE);
    ::CloseThreadpoolIo(io_);
  }
  [[nodiscard]] bool ok() const { return io_ != nullptr; }
  void read() {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (stopping_) {
      return;
    }
    ::StartThreadpoolIo(io_);
    overlapped_ = OVERLAPPED{};
    if (::ReadFile(handle_, buffer_.data(), static_cast<DWORD>(buffer_.size()), nullptr,
                   &overlapped_) == FALSE &&
        ::GetLastError() != ERROR_IO_PENDING) {
      ::CancelThreadpoolIo(io_);
    }
  }

 private:
  static void CALLBACK on_completion(PTP_CALLBACK_INSTANCE, void* context, void*, ULONG result,
                                     ULONG_PTR received, PTP_IO) {
    auto* self = static_cast<raw_pool_loop*>(context);
    if (result == ERROR_SUCCESS) {
      self->into_.take(std::string_view(self->buffer_.data(), received), self->size_);
    }
    self->read();
  }

  HANDLE handle_;
  PTP_IO io_ = nullptr;
  OVERLAPPED overlapped_{};
  std::vector<char> buffer_;
  std::size_t size_;
  arrivals& into_;
  std::mutex mutex_;
  bool stopping_ = false;
};

// A Windows-kind slot (NtCreateMailslotFile, as kernel32 does on Windows).
mailslot::server windows_kind(const mailslot::name& slot) {
  mailslot::server_options options;
  options.creation = mailslot::creation::nt_create_mailslot_file;
  return mailslot::server::create(slot, options);
}

enum class listener { pool, asio, asio_batch, thread, raw_pool, raw_asio };
constexpr listener all_listeners[] = {listener::pool,   listener::asio,     listener::asio_batch,
                                      listener::thread, listener::raw_pool, listener::raw_asio};
constexpr std::size_t listening_batch = 64;  // asio batch's bound
const char* listener_name(listener l) {
  switch (l) {
    case listener::pool:
      return "thread pool reader";
    case listener::asio:
      return "asio async_read<std::string>";
    case listener::asio_batch:
      return "asio batch (64)";
    case listener::thread:
      return "thread in read<std::string>";
    case listener::raw_pool:
      return "raw pool, packet each";
    case listener::raw_asio:
      return "raw asio read_some";
  }
  return "?";
}

#if MAILSLOT_BENCH_ASIO
// Listens through an Asio server on an io_context of its own, run by one
// thread: `read(server, again)` starts a read whose handler takes what it
// read and calls again() for the next (none once the listening ends).
template <class Read>
listening_sample listen_asio(const mailslot::name& slot, std::size_t size, int count,
                             arrivals& into, Read read) {
  ::asio::io_context io;
  mailslot::asio::server server(io, windows_kind(slot));
  bool stopping = false;  // (on the io_context's thread)
  std::function<void()> next;
  next = [&] {
    read(server, [&] {
      if (!stopping) {
        next();
      }
    });
  };
  next();
  auto work = ::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  const listening_sample result = measure_listening(server.next_layer().name(), size, count, into);
  work.reset();
  ::asio::post(io, [&] {
    stopping = true;  // a read whose message is already on its way starts no other
    server.cancel();
  });
  runner.join();
  return result;
}
#endif

// One listener on a fresh slot: `count` messages one at a time, then a burst.
listening_sample listen_once(listener way, const mailslot::name& slot, std::size_t size,
                             int count) {
  arrivals into;
  listening_sample result;
  switch (way) {
    case listener::pool: {
      auto server = windows_kind(slot);
      mailslot::thread_pool_reader reader;
      reader.start(server, [&](const std::error_code& ec, std::string_view message) {
        if (!ec) {
          into.take(message, size);
        }
      });
      result = measure_listening(server.name(), size, count, into);
      reader.stop();
      break;
    }
    case listener::thread: {
      auto server = windows_kind(slot);
      std::thread reader([&] {
        std::error_code ec;
        for (;;) {
          const std::string message = server.read(ec);
          if (ec == mailslot::condition::cancelled) {
            return;
          }
          into.take(message, size);
        }
      });
      result = measure_listening(server.name(), size, count, into);
      server.stop_reading();
      reader.join();
      break;
    }
    case listener::raw_pool: {
      auto server = windows_kind(slot);
      raw_pool_loop loop(server.native_handle(), size, into);
      result.ok = loop.ok();
      loop.read();
      const listening_sample s = measure_listening(server.name(), size, count, into);
      result = {s.messages_per_second, s.median_us, s.p99_us, s.threads, 1, s.ok && result.ok};
      break;
    }
#if MAILSLOT_BENCH_ASIO
    case listener::asio:
      result = listen_asio(slot, size, count, into, [&](auto& server, auto again) {
        server.async_read([&, again](const std::error_code& ec, std::string message) {
          if (!ec) {
            into.take(message, size);
            again();
          }
        });
      });
      break;
    case listener::asio_batch: {
      // async_read_some_messages into one list, reused.
      std::vector<std::string> batch;
      int completions = 0;
      result = listen_asio(slot, size, count, into, [&](auto& server, auto again) {
        server.async_read_some_messages(listening_batch, batch,
                                        [&, again](const std::error_code& ec, std::size_t) {
                                          if (!ec) {
                                            ++completions;
                                            for (const std::string& message : batch) {
                                              into.take(message, size);
                                            }
                                            again();
                                          }
                                        });
      });
      // (Messages sent one at a time complete one each: the rest is the burst's.)
      result.per_completion =
          completions > count ? static_cast<double>(count) / (completions - count) : 0.0;
      break;
    }
    case listener::raw_asio: {
      // Asio's own stream handle over the same kind of handle: ReadFile with
      // one packet per message through the io_context's port.
      auto server = windows_kind(slot);
      const mailslot::name name = server.name();
      ::asio::io_context io;
      ::asio::windows::stream_handle stream(io, server.release());
      std::vector<char> buffer((std::max)(size, std::size_t{1}));
      bool stopping = false;  // (on the io_context's thread)
      std::function<void()> next;
      next = [&] {
        stream.async_read_some(::asio::buffer(buffer),
                               [&](const std::error_code& ec, std::size_t received) {
                                 if (!ec) {
                                   into.take(std::string_view(buffer.data(), received), size);
                                   if (!stopping) {
                                     next();
                                   }
                                 }
                               });
      };
      next();
      auto work = ::asio::make_work_guard(io);
      std::thread runner([&] { io.run(); });
      result = measure_listening(name, size, count, into);
      work.reset();
      ::asio::post(io, [&] {
        stopping = true;
        stream.cancel();
      });
      runner.join();
      break;
    }
#else
    case listener::asio:
    case listener::asio_batch:
    case listener::raw_asio:
      break;
#endif
  }
  return result;
}

// One thread reads `count` messages of `size` bytes already waiting in a
// slot bound to a completion port, each read completed one way: `how` 0,
// through the packet the port queues; 1, completed at once and posted to the
// port, as a deferred handler is; 2, completed at once and handled inline,
// the handle skipping the port on success. Messages/s. The last is the
// platform's limit for a reader: nothing is cheaper than one ReadFile that
// finds its message.
double port_rate(std::size_t size, int how, const std::string& tag) {
  constexpr int count = 1000;
  auto server = windows_kind(mailslot::name::local("mailslot-bench\\" + tag));
  const HANDLE handle = server.native_handle();
  const HANDLE port = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  ::CreateIoCompletionPort(handle, port, 1, 0);
  if (how != 0) {
    ::SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
  }
  const HANDLE client = open_client(server.name());
  std::vector<char> message((std::max)(size, std::size_t{1}), 'c');
  std::vector<char> buffer(message.size());
  DWORD n = 0;
  for (int i = 0; i < count; ++i) {
    ::WriteFile(client, message.data(), static_cast<DWORD>(size), &n, nullptr);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    OVERLAPPED overlapped{};
    const BOOL done =
        ::ReadFile(handle, buffer.data(), static_cast<DWORD>(buffer.size()), nullptr, &overlapped);
    ULONG_PTR key = 0;
    OVERLAPPED* dequeued = nullptr;
    if (how == 1 && done != FALSE) {  // completed at once: posted, as a deferred handler is
      ::PostQueuedCompletionStatus(port, n, 0, &overlapped);
    }
    if (how != 2 || done == FALSE) {
      ::GetQueuedCompletionStatus(port, &n, &key, &dequeued, INFINITE);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::CloseHandle(client);
  ::CloseHandle(port);
  return count / seconds;
}

// One thread writes 1,000 messages of `size` bytes to a slot that nobody
// reads: messages/s. A burst's writer pays this beside its reader's reads.
double write_rate(std::size_t size, const std::string& tag) {
  constexpr int count = 1000;
  auto server = windows_kind(mailslot::name::local("mailslot-bench\\" + tag));
  const HANDLE client = open_client(server.name());
  std::vector<char> message((std::max)(size, std::size_t{1}), 'w');
  DWORD n = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    ::WriteFile(client, message.data(), static_cast<DWORD>(size), &n, nullptr);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::CloseHandle(client);
  return count / seconds;
}

// Where a message's time goes when a port delivers it: one thread reads a
// slot of waiting messages (nothing else runs), each way of completing a read.
void port_costs(std::size_t size, const std::string& pid) {
  const auto rate = [&](int how) {
    return port_rate(size, how, pid + "\\port-" + std::to_string(how));
  };
  const double packet = rate(0);
  const double posted = rate(1);
  const double inline_ = rate(2);
  std::printf(
      "%8zu  ReadFile + packet + GetQueuedCompletionStatus %10.0f msg/s  (1.00)\n"
      "%8zu  ReadFile at once + PostQueued... + GetQueued... %8.0f msg/s  (%.2f)\n"
      "%8zu  ReadFile at once, handled inline          %14.0f msg/s  (%.2f)\n",
      size, packet, size, posted, posted / packet, size, inline_, inline_ / packet);
}

// --- idle: what waiting costs ----------------------------------------------------------------

enum class idle_reader { try_read_sync, try_read_async, pool, asio, read_loop };
constexpr idle_reader all_idle_readers[] = {idle_reader::try_read_sync, idle_reader::try_read_async,
                                            idle_reader::pool, idle_reader::asio,
                                            idle_reader::read_loop};
const char* idle_reader_name(idle_reader r) {
  switch (r) {
    case idle_reader::try_read_sync:
      return "try_read(1s) sync";
    case idle_reader::try_read_async:
      return "try_read(1s) async";
    case idle_reader::pool:
      return "thread pool reader";
    case idle_reader::asio:
      return "asio async_read";
    case idle_reader::read_loop:
      return "read<std::string> loop";
  }
  return "?";
}

struct idle_sample {
  double reads_per_second = 0;
  double cpu_ms_per_second = 0;
  double median_us = 0;
  double max_us = 0;
  bool ok = true;
};

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

// A thread that reads `server` in a loop until cancel(): try_read<std::string>(1 s)
// or, with `plain`, read<std::string> (which waits the slot's timeout).
class reading_thread {
 public:
  reading_thread(mailslot::server& server, bool plain, arrivals& into, std::size_t size)
      : server_(server), thread_([this, plain, &into, size] {
          std::error_code ec;
          for (;;) {
            std::optional<std::string> message;
            if (plain) {
              message = server_.read(ec);
            } else {
              message = server_.try_read(std::chrono::seconds(1), ec);
            }
            if (ec == mailslot::condition::cancelled) {
              return;
            }
            if (!ec && message) {
              into.take(*message, size);
            }
          }
        }) {}
  reading_thread(const reading_thread&) = delete;
  reading_thread& operator=(const reading_thread&) = delete;
  ~reading_thread() {
    server_.stop_reading();
    thread_.join();
  }

 private:
  mailslot::server& server_;
  std::thread thread_;
};

// One reader kind on a fresh slot of read timeout `timeout`: `quiet` of
// silence, then `count` messages written one at a time, each after a random
// pause of up to 25 ms (so that each lands somewhere in a re-read interval).
idle_sample idle_once(idle_reader kind, const mailslot::name& slot,
                      std::chrono::milliseconds timeout, std::chrono::milliseconds quiet, int count,
                      unsigned seed) {
  constexpr std::size_t size = 16;
  mailslot::server_options options;
  options.read_timeout = timeout;
  options.creation = kind == idle_reader::try_read_sync
                         ? mailslot::creation::create_mailslot
                         : mailslot::creation::nt_create_mailslot_file;
  auto server = mailslot::server::create(slot, options);
  arrivals into;
  idle_sample result;
  const auto measure = [&] {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(50));  // (the reader's first read is made)
    const long long reads_before = calls.read_file;
    const double cpu_before = process_cpu_ms();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(quiet);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.reads_per_second = static_cast<double>(calls.read_file - reads_before) / seconds;
    result.cpu_ms_per_second = (process_cpu_ms() - cpu_before) / seconds;
    const HANDLE client = open_client(slot);
    std::vector<char> message(size, 'i');
    unsigned state = seed;
    DWORD done = 0;
    for (int i = 0; i < count; ++i) {
      state = state * 1103515245U + 12345U;
      std::this_thread::sleep_for(std::chrono::microseconds((state >> 8U) % 25000U));
      const long long t = now_ticks();
      std::memcpy(message.data(), &t, sizeof t);
      result.ok &=
          ::WriteFile(client, message.data(), static_cast<DWORD>(size), &done, nullptr) != FALSE;
      into.wait_for(static_cast<std::size_t>(i) + 1);
    }
    ::CloseHandle(client);
    std::vector<long long> latencies;
    {
      std::lock_guard<std::mutex> hold(into.mutex);
      latencies = into.latencies;
      result.ok &= into.intact && latencies.size() == static_cast<std::size_t>(count);
    }
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
      result.median_us = ticks_to_us(latencies[latencies.size() / 2]);
      result.max_us = ticks_to_us(latencies.back());
    }
  };
  switch (kind) {
    case idle_reader::try_read_sync:
    case idle_reader::try_read_async:
    case idle_reader::read_loop: {
      reading_thread reader(server, kind == idle_reader::read_loop, into, size);
      measure();
      break;
    }
    case idle_reader::pool: {
      mailslot::thread_pool_reader reader;
      reader.start(server, [&](const std::error_code& ec, std::string_view message) {
        if (!ec) {
          into.take(message, size);
        }
      });
      measure();
      reader.stop();
      break;
    }
#if MAILSLOT_BENCH_ASIO
    case idle_reader::asio: {
      ::asio::io_context io;
      mailslot::asio::server reader(io, std::move(server));
      bool stopping = false;  // (on the io_context's thread)
      std::function<void()> next;
      next = [&] {
        reader.async_read([&](const std::error_code& ec, std::string message) {
          if (!ec) {
            into.take(message, size);
            if (!stopping) {
              next();
            }
          }
        });
      };
      next();
      auto work = ::asio::make_work_guard(io);
      std::thread runner([&] { io.run(); });
      measure();
      work.reset();
      ::asio::post(io, [&] {
        stopping = true;
        reader.cancel();
      });
      runner.join();
      break;
    }
#else
    case idle_reader::asio:
      break;
#endif
  }
  return result;
}

bool idle_costs(bool quick, const std::string& pid) {
  const std::chrono::milliseconds timeouts[] = {
      std::chrono::milliseconds(0), std::chrono::milliseconds(1), std::chrono::milliseconds(50),
      mailslot::wait_forever};
  const auto quiet = std::chrono::milliseconds(quick ? 100 : 1000);
  const int count = quick ? 3 : 30;
  std::printf(
      "\nidle: each reader kind on a slot of each read timeout, %lld ms of silence (ReadFile "
      "calls\n"
      "and processor time per second), then %d messages of 16 B written one at a time at random\n"
      "moments (latency from WriteFile to the message in user code: median, largest)\n\n",
      static_cast<long long>(quiet.count()), count);
  bool ok = true;
  unsigned seed = 1;
  for (const idle_reader kind : all_idle_readers) {
#if !MAILSLOT_BENCH_ASIO
    if (kind == idle_reader::asio) {
      continue;
    }
#endif
    for (const auto timeout : timeouts) {
      const auto slot =
          mailslot::name::local("mailslot-bench\\" + pid + "\\idle-" + std::to_string(seed));
      const idle_sample s = idle_once(kind, slot, timeout, quiet, count, seed++);
      ok &= s.ok;
      const std::string shown = timeout == mailslot::wait_forever
                                    ? std::string("forever")
                                    : std::to_string(timeout.count()) + "ms";
      std::printf(
          "idle %-19s %-7s: ReadFile/s %7.1f cpu_ms/s %6.1f message p50_us %8.0f max_us %8.0f\n",
          idle_reader_name(kind), shown.c_str(), s.reads_per_second, s.cpu_ms_per_second,
          s.median_us, s.max_us);
    }
  }
  return ok;
}

// --- overhead: the library's own cost per read, the kernel stubbed out ----------------------

// The message the stubs hand over.
std::string canned_message;

BOOL WINAPI stub_read_file(HANDLE, LPVOID buffer, DWORD size, LPDWORD read,
                           LPOVERLAPPED overlapped) {
  const auto length = static_cast<DWORD>(canned_message.size());
  if (size < length) {
    ::SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  std::memcpy(buffer, canned_message.data(), length);
  if (read != nullptr) {
    *read = length;
  }
  if (overlapped != nullptr) {
    overlapped->Internal = 0;
    overlapped->InternalHigh = length;
  }
  return TRUE;
}
BOOL WINAPI stub_get_info(HANDLE, LPDWORD max, LPDWORD next, LPDWORD count, LPDWORD timeout) {
  if (max != nullptr) {
    *max = 0;
  }
  if (next != nullptr) {
    *next = static_cast<DWORD>(canned_message.size());
  }
  if (count != nullptr) {
    *count = 1;
  }
  if (timeout != nullptr) {
    *timeout = MAILSLOT_WAIT_FOREVER;
  }
  return TRUE;
}
BOOL WINAPI stub_overlapped_result(HANDLE, LPOVERLAPPED overlapped, LPDWORD n, BOOL) {
  *n = static_cast<DWORD>(overlapped->InternalHigh);
  return TRUE;
}
DWORD WINAPI stub_wait(DWORD, const HANDLE*, BOOL, DWORD) { return WAIT_OBJECT_0; }

// The stubs in place of the imports while it lives.
class kernel_stubbed {
 public:
  kernel_stubbed() {
    read_ = mailslot_test::patch_import("ReadFile", reinterpret_cast<void*>(&stub_read_file));
    info_ = mailslot_test::patch_import("GetMailslotInfo", reinterpret_cast<void*>(&stub_get_info));
    result_ = mailslot_test::patch_import("GetOverlappedResult",
                                          reinterpret_cast<void*>(&stub_overlapped_result));
    wait_ =
        mailslot_test::patch_import("WaitForMultipleObjects", reinterpret_cast<void*>(&stub_wait));
  }
  kernel_stubbed(const kernel_stubbed&) = delete;
  kernel_stubbed& operator=(const kernel_stubbed&) = delete;
  ~kernel_stubbed() {
    (void)mailslot_test::patch_import("ReadFile", read_);
    (void)mailslot_test::patch_import("GetMailslotInfo", info_);
    (void)mailslot_test::patch_import("GetOverlappedResult", result_);
    (void)mailslot_test::patch_import("WaitForMultipleObjects", wait_);
  }

 private:
  void* read_ = nullptr;
  void* info_ = nullptr;
  void* result_ = nullptr;
  void* wait_ = nullptr;
};

enum class overhead_form { buffer, container, owned, try_buffer };
constexpr overhead_form all_overhead_forms[] = {overhead_form::buffer, overhead_form::container,
                                                overhead_form::owned, overhead_form::try_buffer};
const char* overhead_form_name(overhead_form f) {
  switch (f) {
    case overhead_form::buffer:
      return "buffer";
    case overhead_form::container:
      return "container";
    case overhead_form::owned:
      return "owned";
    case overhead_form::try_buffer:
      return "try_buffer";
  }
  return "?";
}

struct overhead_sample {
  double library_ns = 0;
  double raw_ns = 0;
  double allocations = 0;
};

// `count` reads of `form` from `server` against the same number of raw
// ReadFiles, both through the stubs; nanoseconds per read, and the library's
// allocations per read.
overhead_sample overhead_once(mailslot::server& server, overhead_form form, int count,
                              std::vector<char>& buffer, std::string& kept) {
  const HANDLE handle = server.native_handle();
  const bool asynchronous = mailslot_test::is_asynchronous(handle);
  overhead_sample s;
  const auto per_read_ns = [&](auto&& body) {
    const long long start = now_ticks();
    for (int i = 0; i < count; ++i) {
      body();
    }
    return ticks_to_us(now_ticks() - start) * 1000.0 / count;
  };
  std::error_code ec;
  std::size_t sink = 0;
  s.raw_ns = per_read_ns([&] {
    OVERLAPPED overlapped{};
    DWORD received = 0;
    ::ReadFile(handle, buffer.data(), static_cast<DWORD>(buffer.size()), &received,
               asynchronous ? &overlapped : nullptr);
    sink += received;
  });
  const long long before = mailslot_test::allocations::count();
  s.library_ns = per_read_ns([&] {
    switch (form) {
      case overhead_form::buffer:
        sink += server.read(mailslot::buffer(buffer), ec);
        break;
      case overhead_form::container:
        sink += server.read(kept, ec);
        break;
      case overhead_form::owned:
        sink += server.read(ec).size();
        break;
      case overhead_form::try_buffer:
        sink += server.try_read(mailslot::buffer(buffer), std::chrono::seconds(1), ec).value_or(0);
        break;
    }
  });
  s.allocations = static_cast<double>(mailslot_test::allocations::count() - before) / count;
  if (ec || sink == 0) {
    s.library_ns = -1;  // (a read failed: the row is not a measurement)
  }
  return s;
}

void overhead_costs(bool quick, const std::string& pid) {
  const int count = quick ? 2000 : 200000;
  const int rounds = quick ? 1 : 7;
  std::printf(
      "\noverhead: the library's own cost per read, the kernel stubbed out (ReadFile and the\n"
      "calls a form makes hand over a canned message at once); %d reads per form, median of %d\n"
      "rounds, the forms interleaved; the container's capacity 64 KiB\n\n",
      count, rounds);
  for (const bool windows_kind : {true, false}) {
    mailslot::server_options options;
    options.creation = windows_kind ? mailslot::creation::nt_create_mailslot_file
                                    : mailslot::creation::create_mailslot;
    auto server =
        mailslot::server::create(mailslot::name::local("mailslot-bench\\" + pid + "\\overhead-" +
                                                       (windows_kind ? "a" : "s")),
                                 options);
    const bool asynchronous = mailslot_test::is_asynchronous(server.native_handle());
    for (const std::size_t size :
         {std::size_t{16}, std::size_t{424}, std::size_t{4096}, std::size_t{65536}}) {
      canned_message.assign(size, 'o');
      std::vector<char> buffer(65536);
      std::string kept;
      kept.reserve(65536);
      std::vector<std::vector<overhead_sample>> samples(std::size(all_overhead_forms));
      {
        const kernel_stubbed stubs;
        for (int round = 0; round < rounds; ++round) {
          for (std::size_t k = 0; k < std::size(all_overhead_forms); ++k) {
            const std::size_t index =
                (k + static_cast<std::size_t>(round)) % std::size(all_overhead_forms);
            samples[index].push_back(
                overhead_once(server, all_overhead_forms[index], count, buffer, kept));
          }
        }
      }
      for (std::size_t index = 0; index < std::size(all_overhead_forms); ++index) {
        std::vector<double> library;
        std::vector<double> raw;
        for (const overhead_sample& one : samples[index]) {
          library.push_back(one.library_ns);
          raw.push_back(one.raw_ns);
        }
        const double l = median(library);
        const double r = median(raw);
        std::printf("overhead %zu %s-%s: library %.0f ns raw %.0f ns extra %.0f ns allocs %.2f\n",
                    size, overhead_form_name(all_overhead_forms[index]),
                    asynchronous ? "async" : "sync", l, r, l - r,
                    samples[index].back().allocations);
      }
    }
  }
}

struct listening_row {
  std::vector<double> rate;     // messages/s per round
  std::vector<double> latency;  // median us per round
  listening_sample last;
};

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const bool listening_only = argc > 1 && std::strcmp(argv[1], "--listening") == 0;
  const bool idle_only = argc > 1 && std::strcmp(argv[1], "--idle") == 0;
  const bool overhead_only = argc > 1 && std::strcmp(argv[1], "--overhead") == 0;
  // (Before the counters: the scale and deep parts read on many threads.)
  if (argc > 1 && std::strcmp(argv[1], "--scale") == 0) {
    return mailslot_bench::run_scale() ? 0 : 1;
  }
  if (argc > 3 && std::strcmp(argv[1], "--scale-point") == 0) {
    return mailslot_bench::run_scale_point(argv[2], argv[3]);
  }
  if (argc > 1 && std::strcmp(argv[1], "--deep") == 0) {
    return mailslot_bench::run_deep() ? 0 : 1;
  }
  if (!install_counters()) {
    std::fprintf(stderr, "mailslot_bench: could not patch the import table\n");
    return 1;
  }
  const int rounds = quick ? 3 : 11;
  const std::size_t sizes[] = {0, 16, 424, 4096, 65536};
  const auto pid = std::to_string(::GetCurrentProcessId());

  if (idle_only) {
    return idle_costs(quick, pid) ? 0 : 1;
  }
  if (overhead_only) {
    overhead_costs(false, pid);
    return 0;
  }
  std::printf(
      "mailslot_bench: %d rounds per size and kind, the ways interleaved; medians per message, "
      "ratios to raw on the same kind\n\n",
      rounds);
  std::printf("%8s  %-13s %-22s %10s %7s %8s %7s  %s\n", "size", "handle", "way", "ns/msg", "ratio",
              "allocs", "calls",
              "(ReadFile GetMailslotInfo GetOverlappedResult "
              "WaitForMultipleObjects CancelIoEx)");
  bool all_ok = true;
  for (const std::size_t size : sizes) {
    if (listening_only) {
      break;
    }
    all_ok &= bench<mailslot_test::server_create>(size, rounds, quick, pid);
    all_ok &= bench<mailslot_test::nt_create_mailslot>(size, rounds, quick, pid);
  }
  const int listened = quick ? 20 : 2000;
  const int listening_rounds = quick ? 1 : 5;
  std::printf(
      "listening on Windows' handle kind: the thread pool reader, the asio server and their raw\n"
      "baselines against a thread blocked in read<std::string>; %d messages one at a time "
      "(latency\n"
      "from WriteFile to the message in user code), then %d in a burst (messages/s); medians\n"
      "of %d rounds, the ways interleaved\n\n",
      listened, listened, listening_rounds);
  std::printf("%8s  %-22s %12s %10s %10s %8s\n", "size", "way", "messages/s", "median us", "p99 us",
              "threads");
  std::vector<std::string> ratio_lines;
  std::vector<std::string> latency_lines;
  std::vector<std::string> limit_lines;  // burst messages/s against the limit row's
  for (const std::size_t size :
       {std::size_t{16}, std::size_t{424}, std::size_t{4096}, std::size_t{65536}}) {
    listening_row rows[std::size(all_listeners)];
    std::vector<double> limit;   // the limit row's messages/s per round
    std::vector<double> writes;  // the writer alone's
    for (int round = 0; round < listening_rounds; ++round) {
      writes.push_back(
          write_rate(size, pid + "\\write-" + std::to_string(size) + "-" + std::to_string(round)));
      limit.push_back(port_rate(
          size, 2, pid + "\\limit-" + std::to_string(size) + "-" + std::to_string(round)));
      for (std::size_t k = 0; k < std::size(all_listeners); ++k) {
        const std::size_t index = (k + static_cast<std::size_t>(round)) % std::size(all_listeners);
        const listener way = all_listeners[index];
#if !MAILSLOT_BENCH_ASIO
        if (way == listener::asio || way == listener::raw_asio) {
          continue;
        }
#endif
        const auto slot =
            mailslot::name::local("mailslot-bench\\" + pid + "\\listen-" + std::to_string(index) +
                                  "-" + std::to_string(size) + "-" + std::to_string(round));
        const listening_sample sample = listen_once(way, slot, size, listened);
        all_ok &= sample.ok;
        rows[index].rate.push_back(sample.messages_per_second);
        rows[index].latency.push_back(sample.median_us);
        rows[index].last = sample;
      }
    }
    for (std::size_t index = 0; index < std::size(all_listeners); ++index) {
      const listening_row& row = rows[index];
      if (row.rate.empty()) {
        continue;
      }
      std::printf("%8zu  %-22s %12.0f %10.1f %10.1f %8zu\n", size,
                  listener_name(all_listeners[index]), median(row.rate), median(row.latency),
                  row.last.p99_us, row.last.threads);
    }
    const auto rate = [&](listener l) {
      const auto& row = rows[static_cast<std::size_t>(l)];
      return row.rate.empty() ? 0.0 : median(row.rate);
    };
    const auto latency = [&](listener l) {
      const auto& row = rows[static_cast<std::size_t>(l)];
      return row.latency.empty() ? 0.0 : median(row.latency);
    };
    const double thread_rate = rate(listener::thread);
    const double thread_latency = latency(listener::thread);
    char line[256];
    std::snprintf(line, sizeof line,
                  "listening ratio %zu: pool %.2f asio %.2f asio-batch %.2f raw-pool %.2f "
                  "raw-asio %.2f",
                  size, rate(listener::pool) / thread_rate, rate(listener::asio) / thread_rate,
                  rate(listener::asio_batch) / thread_rate, rate(listener::raw_pool) / thread_rate,
                  rate(listener::raw_asio) / thread_rate);
    ratio_lines.emplace_back(line);
    const double limit_rate = median(limit);
    const double write_alone = median(writes);
    std::printf("%8zu  %-22s %12.0f\n", size, "limit: ReadFile inline", limit_rate);
    std::printf("%8zu  %-22s %12.0f\n", size, "writer alone", write_alone);
    // What a burst could reach if the writer's and the reader's calls could
    // not overlap (Wine's server handles one request at a time).
    std::printf("%8zu  %-22s %12.0f\n", size, "both, one at a time",
                1.0 / (1.0 / limit_rate + 1.0 / write_alone));
    std::snprintf(line, sizeof line, "limit ratio %zu: pool %.2f asio %.2f asio-batch %.2f", size,
                  rate(listener::pool) / limit_rate, rate(listener::asio) / limit_rate,
                  rate(listener::asio_batch) / limit_rate);
    limit_lines.emplace_back(line);
    std::snprintf(line, sizeof line, "asio batch %zu: %.1f messages per completion in the burst",
                  size, rows[static_cast<std::size_t>(listener::asio_batch)].last.per_completion);
    limit_lines.emplace_back(line);
    std::snprintf(line, sizeof line, "latency ratio %zu: pool %.2f asio %.2f", size,
                  latency(listener::pool) / thread_latency,
                  latency(listener::asio) / thread_latency);
    latency_lines.emplace_back(line);
  }
  std::printf("\n");
  for (const auto& line : ratio_lines) {
    std::printf("%s\n", line.c_str());
  }
  for (const auto& line : limit_lines) {
    std::printf("%s\n", line.c_str());
  }
  for (const auto& line : latency_lines) {
    std::printf("%s\n", line.c_str());
  }
  if (!listening_only) {
    all_ok &= idle_costs(quick, pid);
    overhead_costs(quick, pid);
  }
  if (!quick) {
    std::printf(
        "\nwhere a read's time goes through a completion port: one thread reads 1,000 waiting\n"
        "messages, each read completed one way (messages/s, and the ratio to the first)\n\n");
    for (const std::size_t size : {std::size_t{16}, std::size_t{4096}}) {
      port_costs(size, pid);
    }
  }
  if (quick) {
    all_ok &= mailslot_bench::run_scale_and_deep_quick();
  } else if (!listening_only) {
    std::printf("\n");
    all_ok &= mailslot_bench::run_deep();
  }
  if (!all_ok) {
    std::fprintf(stderr, "mailslot_bench: some messages arrived wrong\n");
    return 1;
  }
  return 0;
}
