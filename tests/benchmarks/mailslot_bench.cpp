// mailslot_bench: the library against raw Win32, side by side in one process.
//
// For each message size, four ways to send and receive a message, one writer
// and one reader (the same thread: write a batch, then read it back):
//   raw        CreateFile/WriteFile/ReadFile, preallocated buffer, no OVERLAPPED
//   buffer     client::write + server::read into a preallocated buffer
//   owned      client::write + server::read_bytes (an exactly sized vector)
//   info-first WriteFile + GetMailslotInfo + an exactly sized vector + ReadFile,
//              the pattern most wrappers use for owned messages
// Rounds interleave the four (in rotating order); the report gives medians over
// the rounds, the ratio of each to raw, heap allocations per message (a
// replaced global operator new counts them) and Win32 calls per message (this
// program's import table is patched to count them: the library is header-only,
// so its calls go through the same table as the baseline's).
//
//   mailslot_bench [--quick]     (--quick: a few small rounds, for the tests)

#include <mailslot/mailslot.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

// --- counting allocations ------------------------------------------------------------------

namespace {
std::atomic<long long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

// --- counting Win32 calls ------------------------------------------------------------------

namespace {

struct call_counts {
  long long read_file = 0;
  long long write_file = 0;
  long long get_info = 0;
  long long set_info = 0;
  long long overlapped_result = 0;
  long long create_event = 0;

  [[nodiscard]] long long total() const {
    return read_file + write_file + get_info + set_info + overlapped_result + create_event;
  }
};
call_counts calls;

decltype(&::ReadFile) real_read_file = nullptr;
decltype(&::WriteFile) real_write_file = nullptr;
decltype(&::GetMailslotInfo) real_get_info = nullptr;
decltype(&::SetMailslotInfo) real_set_info = nullptr;
decltype(&::GetOverlappedResult) real_overlapped_result = nullptr;
decltype(&::CreateEventW) real_create_event = nullptr;

BOOL WINAPI counting_read_file(HANDLE h, LPVOID b, DWORD n, LPDWORD r, LPOVERLAPPED o) {
  ++calls.read_file;
  return real_read_file(h, b, n, r, o);
}
BOOL WINAPI counting_write_file(HANDLE h, LPCVOID b, DWORD n, LPDWORD w, LPOVERLAPPED o) {
  ++calls.write_file;
  return real_write_file(h, b, n, w, o);
}
BOOL WINAPI counting_get_info(HANDLE h, LPDWORD m, LPDWORD n, LPDWORD c, LPDWORD t) {
  ++calls.get_info;
  return real_get_info(h, m, n, c, t);
}
BOOL WINAPI counting_set_info(HANDLE h, DWORD t) {
  ++calls.set_info;
  return real_set_info(h, t);
}
BOOL WINAPI counting_overlapped_result(HANDLE h, LPOVERLAPPED o, LPDWORD n, BOOL w) {
  ++calls.overlapped_result;
  return real_overlapped_result(h, o, n, w);
}
HANDLE WINAPI counting_create_event(LPSECURITY_ATTRIBUTES a, BOOL m, BOOL s, LPCWSTR n) {
  ++calls.create_event;
  return real_create_event(a, m, s, n);
}

// Points this program's import of `function` (from any DLL) at `replacement`;
// returns the original address, or nullptr if the program does not import it.
void* patch_import(const char* function, void* replacement) {
  auto* base = reinterpret_cast<unsigned char*>(::GetModuleHandleW(nullptr));
  const auto* dos = reinterpret_cast<const IMAGE_DOS_HEADER*>(base);
  const auto* nt = reinterpret_cast<const IMAGE_NT_HEADERS*>(base + dos->e_lfanew);
  const auto& directory = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  auto* import = reinterpret_cast<IMAGE_IMPORT_DESCRIPTOR*>(base + directory.VirtualAddress);
  for (; import->Name != 0; ++import) {
    auto* names = reinterpret_cast<IMAGE_THUNK_DATA*>(base + import->OriginalFirstThunk);
    auto* slots = reinterpret_cast<IMAGE_THUNK_DATA*>(base + import->FirstThunk);
    for (; names->u1.AddressOfData != 0; ++names, ++slots) {
      if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) {
        continue;
      }
      const auto* by_name =
          reinterpret_cast<const IMAGE_IMPORT_BY_NAME*>(base + names->u1.AddressOfData);
      if (std::strcmp(reinterpret_cast<const char*>(by_name->Name), function) != 0) {
        continue;
      }
      DWORD protection = 0;
      ::VirtualProtect(&slots->u1.Function, sizeof(slots->u1.Function), PAGE_READWRITE,
                       &protection);
      void* original = reinterpret_cast<void*>(slots->u1.Function);
      slots->u1.Function = reinterpret_cast<ULONG_PTR>(replacement);
      ::VirtualProtect(&slots->u1.Function, sizeof(slots->u1.Function), protection, &protection);
      return original;
    }
  }
  return nullptr;
}

template <class F>
bool hook(const char* name, F replacement, F& original) {
  original = reinterpret_cast<F>(patch_import(name, reinterpret_cast<void*>(replacement)));
  return original != nullptr;
}

// A function the program does not import is never called by it: its count
// stays 0. The three every way uses must be found.
bool install_counters() {
  (void)hook("SetMailslotInfo", &counting_set_info, real_set_info);
  (void)hook("GetOverlappedResult", &counting_overlapped_result, real_overlapped_result);
  (void)hook("CreateEventW", &counting_create_event, real_create_event);
  return hook("ReadFile", &counting_read_file, real_read_file) &&
         hook("WriteFile", &counting_write_file, real_write_file) &&
         hook("GetMailslotInfo", &counting_get_info, real_get_info);
}

// --- the four ways -------------------------------------------------------------------------

enum class way { raw, buffer, owned, info_first };
constexpr way all_ways[] = {way::raw, way::buffer, way::owned, way::info_first};
const char* way_name(way w) {
  switch (w) {
    case way::raw:
      return "raw Win32";
    case way::buffer:
      return "library, buffer";
    case way::owned:
      return "library, owned";
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
  mailslot::server server;
  mailslot::client client;
  HANDLE raw_server = nullptr;  // a second slot, driven without the library
  HANDLE raw_client = nullptr;
  std::vector<char> message;
  std::vector<char> buffer;
};

// Sends and receives `count` messages the way `w` does; false if anything
// arrived wrong.
bool run(fixture& f, way w, int count) {
  const auto size = static_cast<DWORD>(f.message.size());
  bool ok = true;
  DWORD done = 0;
  switch (w) {
    case way::raw:
      for (int i = 0; i < count; ++i) {
        ok &= ::WriteFile(f.raw_client, f.message.data(), size, &done, nullptr) != FALSE;
      }
      for (int i = 0; i < count; ++i) {
        ok &= ::ReadFile(f.raw_server, f.buffer.data(), static_cast<DWORD>(f.buffer.size()), &done,
                         nullptr) != FALSE &&
              done == size;
      }
      break;
    case way::buffer: {
      std::error_code ec;
      for (int i = 0; i < count; ++i) {
        f.client.write(f.message.data(), f.message.size(), ec);
        ok &= !ec;
      }
      for (int i = 0; i < count; ++i) {
        ok &= f.server.read(f.buffer.data(), f.buffer.size(), ec) == size && !ec;
      }
      break;
    }
    case way::owned: {
      std::error_code ec;
      for (int i = 0; i < count; ++i) {
        f.client.write(f.message.data(), f.message.size(), ec);
        ok &= !ec;
      }
      for (int i = 0; i < count; ++i) {
        ok &= f.server.read_bytes(ec).size() == size && !ec;
      }
      break;
    }
    case way::info_first:
      for (int i = 0; i < count; ++i) {
        ok &= ::WriteFile(f.raw_client, f.message.data(), size, &done, nullptr) != FALSE;
      }
      for (int i = 0; i < count; ++i) {
        DWORD next = 0;
        ok &= ::GetMailslotInfo(f.raw_server, nullptr, &next, nullptr, nullptr) != FALSE;
        std::vector<std::byte> message(next);
        ok &=
            ::ReadFile(f.raw_server, message.data(), next, &done, nullptr) != FALSE && done == size;
      }
      break;
  }
  return ok;
}

sample measure(fixture& f, way w, int count) {
  const call_counts before_calls = calls;
  const long long before_allocations = allocations.load();
  const auto start = std::chrono::steady_clock::now();
  const bool ok = run(f, w, count);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  sample s;
  s.ok = ok;
  s.ns_per_message =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
      count;
  s.allocations_per_message = static_cast<double>(allocations.load() - before_allocations) / count;
  s.calls.read_file = calls.read_file - before_calls.read_file;
  s.calls.write_file = calls.write_file - before_calls.write_file;
  s.calls.get_info = calls.get_info - before_calls.get_info;
  s.calls.set_info = calls.set_info - before_calls.set_info;
  s.calls.overlapped_result = calls.overlapped_result - before_calls.overlapped_result;
  s.calls.create_event = calls.create_event - before_calls.create_event;
  return s;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (!install_counters()) {
    std::fprintf(stderr, "mailslot_bench: could not patch the import table\n");
    return 1;
  }
  const int rounds = quick ? 3 : 21;
  const std::size_t sizes[] = {0, 16, 424, 4096, 65536};
  const auto pid = std::to_string(::GetCurrentProcessId());

  std::printf(
      "mailslot_bench: %d rounds per size, the four ways interleaved; medians per message\n\n",
      rounds);
  std::printf(
      "%8s  %-22s %10s %7s %12s %10s  %s\n", "size", "way", "ns/msg", "ratio", "allocs/msg",
      "calls/msg",
      "(ReadFile WriteFile GetMailslotInfo SetMailslotInfo GetOverlappedResult CreateEvent)");
  bool all_ok = true;
  for (const std::size_t size : sizes) {
    fixture f;
    const auto name = mailslot::name::local("mailslot-bench\\" + pid + "\\" + std::to_string(size));
    f.server = mailslot::server::create(name);
    f.client = mailslot::client::open(name);
    const std::wstring raw_name = L"\\\\.\\mailslot\\mailslot-bench\\" +
                                  std::wstring(pid.begin(), pid.end()) + L"\\raw-" +
                                  std::to_wstring(size);
    f.raw_server = ::CreateMailslotW(raw_name.c_str(), 0, MAILSLOT_WAIT_FOREVER, nullptr);
    f.raw_client =
        ::CreateFileW(raw_name.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                      OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    f.message.assign(size, 'm');
    f.buffer.assign(std::max<std::size_t>(size, 1), 0);
    // Batches small enough that the queued bytes stay modest.
    const int count =
        quick ? 20
              : static_cast<int>(std::clamp<std::size_t>((8U << 20U) / (size + 64), 200, 4000));

    for (const way w : all_ways) {
      (void)measure(f, w, count);  // warm-up: first-use costs (event, kept buffer) stay out
    }
    std::vector<std::vector<double>> times(std::size(all_ways));
    std::vector<sample> last(std::size(all_ways));
    for (int round = 0; round < rounds; ++round) {
      for (std::size_t k = 0; k < std::size(all_ways); ++k) {
        const std::size_t index = (k + static_cast<std::size_t>(round)) % std::size(all_ways);
        const sample s = measure(f, all_ways[index], count);
        all_ok &= s.ok;
        times[index].push_back(s.ns_per_message);
        last[index] = s;
      }
    }
    const double raw = median(times[0]);
    for (std::size_t index = 0; index < std::size(all_ways); ++index) {
      const sample& s = last[index];
      const double per = 1.0 / count;
      std::printf("%8zu  %-22s %10.0f %7.3f %12.2f %10.2f  (%.2f %.2f %.2f %.2f %.2f %.2f)\n", size,
                  way_name(all_ways[index]), median(times[index]), median(times[index]) / raw,
                  s.allocations_per_message, static_cast<double>(s.calls.total()) * per,
                  static_cast<double>(s.calls.read_file) * per,
                  static_cast<double>(s.calls.write_file) * per,
                  static_cast<double>(s.calls.get_info) * per,
                  static_cast<double>(s.calls.set_info) * per,
                  static_cast<double>(s.calls.overlapped_result) * per,
                  static_cast<double>(s.calls.create_event) * per);
    }
    std::printf("\n");
    ::CloseHandle(f.raw_client);
    ::CloseHandle(f.raw_server);
  }
  if (!all_ok) {
    std::fprintf(stderr, "mailslot_bench: some messages arrived wrong\n");
    return 1;
  }
  return 0;
}
