// The machinery of support.hpp.

#include <model/support.hpp>

#include <support/import_patch.hpp>

#include <algorithm>
#include <cstdlib>

namespace mailslot_model {

// --- delays --------------------------------------------------------------------------------

namespace {

// A random stream shared by every thread: no thread-local state (MinGW's
// emulated thread-local storage makes Win32 calls on a thread's first use,
// which would come back here).
std::atomic<std::uint64_t> random_state{0};

std::uint64_t next_random() noexcept {
  std::uint64_t z = random_state.fetch_add(0x9E3779B97F4A7C15ULL, std::memory_order_relaxed);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

// The original functions, kept when their imports are patched.
decltype(&::ReadFile) real_read_file = nullptr;
decltype(&::WriteFile) real_write_file = nullptr;
decltype(&::CancelIoEx) real_cancel_io_ex = nullptr;
decltype(&::CloseHandle) real_close_handle = nullptr;
decltype(&::GetOverlappedResult) real_get_overlapped_result = nullptr;
decltype(&::WaitForMultipleObjects) real_wait_for_multiple = nullptr;
decltype(&::SetMailslotInfo) real_set_mailslot_info = nullptr;
decltype(&::StartThreadpoolIo) real_start_threadpool_io = nullptr;
decltype(&::CancelThreadpoolIo) real_cancel_threadpool_io = nullptr;
decltype(&::WaitForThreadpoolIoCallbacks) real_wait_for_io_callbacks = nullptr;
decltype(&::SubmitThreadpoolWork) real_submit_threadpool_work = nullptr;
decltype(&::GetQueuedCompletionStatus) real_get_queued = nullptr;
decltype(&::PostQueuedCompletionStatus) real_post_queued = nullptr;

// Runs `call`, with delays around it, keeping its last error.
template <class Call>
auto delayed(Call call) noexcept {
  maybe_delay();
  auto result = call();
  const DWORD error = ::GetLastError();
  maybe_delay();
  ::SetLastError(error);
  return result;
}

BOOL WINAPI delayed_read_file(HANDLE h, LPVOID data, DWORD size, LPDWORD done, LPOVERLAPPED o) {
  return delayed([&] { return real_read_file(h, data, size, done, o); });
}
BOOL WINAPI delayed_write_file(HANDLE h, LPCVOID data, DWORD size, LPDWORD done, LPOVERLAPPED o) {
  return delayed([&] { return real_write_file(h, data, size, done, o); });
}
BOOL WINAPI delayed_cancel_io_ex(HANDLE h, LPOVERLAPPED o) {
  return delayed([&] { return real_cancel_io_ex(h, o); });
}
BOOL WINAPI delayed_close_handle(HANDLE h) {
  return delayed([&] { return real_close_handle(h); });
}
BOOL WINAPI delayed_get_overlapped_result(HANDLE h, LPOVERLAPPED o, LPDWORD done, BOOL wait) {
  return delayed([&] { return real_get_overlapped_result(h, o, done, wait); });
}
DWORD WINAPI delayed_wait_for_multiple(DWORD count, const HANDLE* handles, BOOL all, DWORD ms) {
  return delayed([&] { return real_wait_for_multiple(count, handles, all, ms); });
}
BOOL WINAPI delayed_set_mailslot_info(HANDLE h, DWORD timeout) {
  return delayed([&] { return real_set_mailslot_info(h, timeout); });
}
VOID WINAPI delayed_start_threadpool_io(PTP_IO io) {
  maybe_delay();
  real_start_threadpool_io(io);
}
VOID WINAPI delayed_cancel_threadpool_io(PTP_IO io) {
  maybe_delay();
  real_cancel_threadpool_io(io);
}
VOID WINAPI delayed_wait_for_io_callbacks(PTP_IO io, BOOL cancel) {
  maybe_delay();
  real_wait_for_io_callbacks(io, cancel);
}
VOID WINAPI delayed_submit_threadpool_work(PTP_WORK work) {
  maybe_delay();
  real_submit_threadpool_work(work);
  maybe_delay();
}
BOOL WINAPI delayed_get_queued(HANDLE port, LPDWORD bytes, PULONG_PTR key, LPOVERLAPPED* o,
                               DWORD ms) {
  // After the dequeue only: a delay before it would only add to the wait.
  const BOOL result = real_get_queued(port, bytes, key, o, ms);
  const DWORD error = ::GetLastError();
  maybe_delay();
  ::SetLastError(error);
  return result;
}
BOOL WINAPI delayed_post_queued(HANDLE port, DWORD bytes, ULONG_PTR key, LPOVERLAPPED o) {
  return delayed([&] { return real_post_queued(port, bytes, key, o); });
}

template <class F>
void patch(const char* name, F& original, F replacement) {
  original =
      reinterpret_cast<F>(mailslot_test::patch_import(name, reinterpret_cast<void*>(replacement)));
  if (original == nullptr) {
    std::fprintf(stderr, "model: this program does not import %s; it is not delayed\n", name);
  }
}

}  // namespace

void maybe_delay() noexcept {
  const std::uint64_t draw = next_random();
  switch (draw % 16U) {
    case 0:
    case 1:
    case 2:
      ::SwitchToThread();
      break;
    case 3:
    case 4: {  // a few microseconds, busy
      const auto spins = static_cast<unsigned>((draw >> 8U) % 20000U);
      for (unsigned i = 0; i < spins; ++i) {
        YieldProcessor();  // (a spin-wait's pause: not optimized away)
      }
      break;
    }
    case 5:
      ::Sleep(static_cast<DWORD>((draw >> 8U) % 3U));
      break;
    default:
      break;
  }
}

void install_delays(std::uint64_t seed) {
  random_state.store(seed);
  patch("ReadFile", real_read_file, &delayed_read_file);
  patch("WriteFile", real_write_file, &delayed_write_file);
  patch("CancelIoEx", real_cancel_io_ex, &delayed_cancel_io_ex);
  patch("CloseHandle", real_close_handle, &delayed_close_handle);
  patch("GetOverlappedResult", real_get_overlapped_result, &delayed_get_overlapped_result);
  patch("WaitForMultipleObjects", real_wait_for_multiple, &delayed_wait_for_multiple);
  patch("SetMailslotInfo", real_set_mailslot_info, &delayed_set_mailslot_info);
  patch("StartThreadpoolIo", real_start_threadpool_io, &delayed_start_threadpool_io);
  patch("CancelThreadpoolIo", real_cancel_threadpool_io, &delayed_cancel_threadpool_io);
  patch("WaitForThreadpoolIoCallbacks", real_wait_for_io_callbacks, &delayed_wait_for_io_callbacks);
  patch("SubmitThreadpoolWork", real_submit_threadpool_work, &delayed_submit_threadpool_work);
  patch("GetQueuedCompletionStatus", real_get_queued, &delayed_get_queued);
  patch("PostQueuedCompletionStatus", real_post_queued, &delayed_post_queued);
}

// --- the watchdog --------------------------------------------------------------------------

watchdog::watchdog(std::chrono::seconds limit) : limit_(limit), thread_([this] { watch(); }) {}

watchdog::~watchdog() {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    quit_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void watchdog::arm(std::string sequence_text, std::string step) {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    armed_ = true;
    since_ = std::chrono::steady_clock::now();
    sequence_ = std::move(sequence_text);
    step_ = std::move(step);
  }
  changed_.notify_all();
}

void watchdog::disarm() {
  const std::lock_guard<std::mutex> hold(mutex_);
  armed_ = false;
}

void watchdog::watch() {
  std::unique_lock<std::mutex> hold(mutex_);
  while (!quit_) {
    if (armed_ && std::chrono::steady_clock::now() - since_ > limit_) {
      std::printf(
          "\nHANG: %s did not end within %lld s\n  sequence: %s\n  replay: mailslot_model "
          "--replay \"%s\"\n(the process ends here: a thread that never returns cannot be "
          "unwound)\n",
          step_.c_str(), static_cast<long long>(limit_.count()), sequence_.c_str(),
          sequence_.c_str());
      std::fflush(stdout);
      ::TerminateProcess(::GetCurrentProcess(), 3);
    }
    changed_.wait_for(hold, std::chrono::milliseconds(200));
  }
}

// --- threads that take jobs ----------------------------------------------------------------

worker::worker()
    : thread_([this] {
        std::unique_lock<std::mutex> hold(mutex_);
        for (;;) {
          changed_.wait(hold, [this] { return quit_ || !jobs_.empty(); });
          if (jobs_.empty()) {
            return;
          }
          auto job = std::move(jobs_.front());
          jobs_.pop_front();
          busy_ = true;
          hold.unlock();
          job();
          hold.lock();
          busy_ = false;
          changed_.notify_all();
        }
      }) {}

worker::~worker() {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    quit_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void worker::post(std::function<void()> job) {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    jobs_.push_back(std::move(job));
  }
  changed_.notify_all();
}

void worker::wait_idle() {
  std::unique_lock<std::mutex> hold(mutex_);
  changed_.wait(hold, [this] { return jobs_.empty() && !busy_; });
}

// --- writers ---------------------------------------------------------------------------------

std::size_t message_size(int size_class, int within, std::uint32_t max_size) {
  const std::size_t limit = max_size == 0 ? 70000 : max_size;
  std::size_t size = 0;
  switch (size_class % 6) {
    case 0:
      return 0;
    case 1:
      size = header_size + static_cast<std::size_t>(within) % 200U;
      break;
    case 2:
      size = 424;
      break;
    case 3:
      size = 4080 + static_cast<std::size_t>(within) % 33U;
      break;
    case 4:
      size = 65520 + static_cast<std::size_t>(within) % 33U;
      break;
    default:
      size = limit;
      break;
  }
  return std::clamp(size, header_size, limit);
}

writers::writers(slot_model& model, std::string slot, int count, std::uint32_t max_size)
    : model_(model), slot_(std::move(slot)), max_size_(max_size) {
  for (int i = 0; i < count; ++i) {
    writers_.push_back(std::make_unique<one>());
  }
}

void writers::write(int writer, int size_class, int within) {
  const auto index = static_cast<std::size_t>(writer) % writers_.size();
  const std::size_t size = message_size(size_class, within, max_size_);
  writers_[index]->thread.post([this, index, size] { write_one(static_cast<int>(index), size); });
}

void writers::burst(int writer, int count, int sizes) {
  const auto index = static_cast<std::size_t>(writer) % writers_.size();
  for (int i = 0; i < 2 + count * 2; ++i) {
    const auto draw =
        static_cast<unsigned>(sizes) * 2654435761U + static_cast<unsigned>(i) * 40503U;
    // Mostly small messages: a burst is about many messages at once.
    const int size_class = (draw >> 4U) % 8U < 5 ? 1 : static_cast<int>((draw >> 8U) % 6U);
    const std::size_t size = message_size(size_class, static_cast<int>(draw >> 12U), max_size_);
    writers_[index]->thread.post([this, index, size] { write_one(static_cast<int>(index), size); });
  }
}

void writers::wait_idle() {
  for (auto& w : writers_) {
    w->thread.wait_idle();
  }
}

void writers::close_clients() {
  for (auto& w : writers_) {
    w->thread.post([&self = *w] { self.client = mailslot::client(); });
  }
  wait_idle();
}

void writers::write_one(int writer, std::size_t size) {
  auto& self = *writers_[static_cast<std::size_t>(writer)];
  std::error_code ec;
  if (!self.client.is_open()) {
    self.client = mailslot::client::open(slot_, ec);
    if (ec) {
      model_.report_violation("writer " + std::to_string(writer) +
                              " could not open the slot: " + describe(ec));
      return;
    }
  }
  const std::uint32_t number = model_.begin_write(static_cast<unsigned>(writer), size);
  const auto bytes = make_message(static_cast<unsigned>(writer), number, size);
  self.client.write(bytes.data(), bytes.size(), ec);
  model_.end_write(static_cast<unsigned>(writer), number, size, !ec);
  if (ec) {
    model_.report_violation("writer " + std::to_string(writer) + "'s write of " +
                            std::to_string(size) + " bytes failed: " + describe(ec));
  }
}

std::string describe(const std::error_code& ec) {
  return ec.category().name() + std::string(" ") + std::to_string(ec.value()) + " (" +
         ec.message() + ")";
}

void timeout_record::set(mailslot::server& server, std::chrono::milliseconds timeout) {
  const std::lock_guard<std::mutex> hold(mutex_);
  std::error_code ec;
  server.set_read_timeout(timeout, ec);
  if (ec) {
    model_.report_violation("set_read_timeout failed: " + describe(ec));
    return;
  }
  value_ = timeout;
  const auto info = server.info(ec);
  if (!ec && info.read_timeout != timeout) {
    model_.report_violation("set_read_timeout(" + std::to_string(timeout.count()) +
                            " ms) did not stick: the slot says " +
                            std::to_string(info.read_timeout.count()) + " ms right after");
  }
}

void timeout_record::check(const mailslot::server& server, const char* when) {
  const std::lock_guard<std::mutex> hold(mutex_);
  std::error_code ec;
  const auto info = server.info(ec);
  if (ec) {
    model_.report_violation("GetMailslotInfo failed: " + describe(ec));
  } else if (info.read_timeout != value_) {
    model_.report_violation(std::string("the slot's timeout is ") +
                            std::to_string(info.read_timeout.count()) + " ms " + when +
                            ", not the " + std::to_string(value_.count()) + " ms last set");
  }
}

void timeout_record::recreated() {
  const std::lock_guard<std::mutex> hold(mutex_);
  value_ = mailslot::wait_forever;
}

void drain(slot_model& model, mailslot::server& server, int consumer, long* position) {
  std::vector<unsigned char> buffer(70000);
  for (;;) {
    std::error_code ec;
    const long at = position != nullptr ? (*position)++ : 0;
    const auto received = server.try_read(mailslot::buffer(buffer.data(), buffer.size()),
                                          std::chrono::milliseconds(0), ec);
    if (ec) {
      model.report_violation("draining the slot failed: " + describe(ec));
      return;
    }
    if (!received) {
      return;
    }
    if (position != nullptr) {
      model.deliver_at(at, buffer.data(), *received);
    } else {
      deliver(model, consumer, buffer.data(), *received);
    }
  }
}

}  // namespace mailslot_model
