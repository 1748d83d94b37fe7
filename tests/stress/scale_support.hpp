#ifndef MAILSLOT_TESTS_STRESS_SCALE_SUPPORT_HPP
#define MAILSLOT_TESTS_STRESS_SCALE_SUPPORT_HPP

// What the cases with 1,000 slots share: the slots' writers, a check of each
// slot's messages, and what the process holds (handles, committed memory,
// heap bytes in use, blocks from operator new), to compare before and after
// a round.
//
// Slot s is written by two of the 64 writer threads, s % 32 and s % 32 + 32,
// each with a client of its own; each message says which slot and which
// writer it was written for, and its place in that writer's sequence for
// that slot (support/stream_message.hpp).

#include <mailslot/mailslot.hpp>

#include <support/slot_kinds.hpp>
#include <support/slot_name.hpp>
#include <support/stream_message.hpp>

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace mailslot_test::scale {

inline constexpr std::size_t slots = 1000;
inline constexpr std::uint32_t writers = 64;
inline constexpr std::uint32_t writers_per_slot = 2;
inline constexpr std::uint32_t stride = writers / writers_per_slot;  // slot s: writers s % 32 + 32k
inline constexpr std::size_t max_payload = 512;

using clock_type = std::chrono::steady_clock;

inline double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// Waits until `done` holds or `limit` has passed (a hang fails a check
/// rather than the run); whether `done` holds.
template <class Done>
bool wait_until(Done done, std::chrono::seconds limit) {
  const auto give_up = clock_type::now() + limit;
  while (!done() && clock_type::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

/// What a message's header names as its writer: the slot and the writer thread.
inline std::uint32_t writer_field(std::size_t slot, std::uint32_t writer) {
  return static_cast<std::uint32_t>(slot) * writers + writer;
}

/// The 64 writer threads' clients, each writer's for its 31 or 32 slots,
/// opened once. A round is one message from a writer to each of its slots;
/// each writer numbers its rounds on from where it left off, so that each
/// slot gets each of its writers' messages in sequence.
class slot_writers {
 public:
  explicit slot_writers(const std::vector<mailslot::name>& names)
      : clients_(writers), rounds_(writers, 0) {
    for (std::uint32_t w = 0; w < writers; ++w) {
      for (std::size_t s = w % stride; s < names.size(); s += stride) {
        clients_[w].push_back({s, mailslot::client::open(names[s])});
      }
    }
  }

  /// Starts the 64 threads, each writing `count` rounds; round n (from 0)
  /// begins once `ready(n)` holds (it is asked every millisecond, for up to
  /// a minute). join() waits for them.
  template <class Ready>
  void start(std::uint32_t count, Ready ready) {
    for (std::uint32_t w = 0; w < writers; ++w) {
      threads_.emplace_back([this, w, count, ready] {
        std::mt19937 random(w * 7919U + rounds_[w] * 104729U + 1U);
        std::error_code ec;
        for (std::uint32_t n = 0; n < count; ++n) {
          (void)wait_until([&] { return ready(n); }, std::chrono::seconds(60));
          for (auto& [slot, client] : clients_[w]) {
            const auto message =
                make_stream_message(writer_field(slot, w), rounds_[w], random, max_payload);
            client.write(message.data(), message.size(), ec);
            if (ec) {
              ++failures_;
              return;
            }
            ++written_;
          }
          ++rounds_[w];
        }
      });
    }
  }
  void join() {
    for (auto& thread : threads_) {
      thread.join();
    }
    threads_.clear();
  }
  /// `count` rounds from every writer, and waits for them.
  void write(std::uint32_t count) {
    start(count, [](std::uint32_t) { return true; });
    join();
  }
  /// Messages written so far (while the writers run, too).
  [[nodiscard]] long long written() const { return written_; }
  [[nodiscard]] int failures() const { return failures_; }
  /// The rounds writer `w` has written (once joined).
  [[nodiscard]] std::uint32_t rounds(std::uint32_t w) const { return rounds_[w]; }

 private:
  struct slot_client {
    std::size_t slot;
    mailslot::client client;
  };
  std::vector<std::vector<slot_client>> clients_;
  std::vector<std::uint32_t> rounds_;  // each writer's, written by its thread only
  std::vector<std::thread> threads_;
  std::atomic<long long> written_{0};
  std::atomic<int> failures_{0};
};

/// Checks one slot's messages as they arrive: each intact, meant for this
/// slot, and the next of its writer's sequence (a message lost, repeated or
/// reordered breaks the sequence).
struct slot_checker {
  std::size_t slot = 0;
  std::array<std::uint32_t, writers_per_slot> next{};  // per writer of the slot
  long long received = 0;
  long long corrupted = 0;
  long long misdelivered = 0;
  long long out_of_order = 0;

  void take(const void* data, std::size_t size) {
    ++received;
    const auto id = check_stream_message(static_cast<const unsigned char*>(data), size);
    if (!id) {
      ++corrupted;
      return;
    }
    const std::uint32_t writer = id->writer % writers;
    if (id->writer / writers != slot || writer % stride != slot % stride) {
      ++misdelivered;
      return;
    }
    auto& expected = next[writer / stride];
    if (id->sequence != expected) {
      ++out_of_order;
    }
    expected = id->sequence + 1;
  }
  /// Whether every message `all` wrote to this slot came, once, in order,
  /// and nothing else.
  [[nodiscard]] bool complete(const slot_writers& all) const {
    long long expected = 0;
    bool sequences = true;
    for (std::uint32_t k = 0; k < writers_per_slot; ++k) {
      const std::uint32_t rounds =
          all.rounds(static_cast<std::uint32_t>(slot % stride) + k * stride);
      expected += rounds;
      sequences = sequences && next[k] == rounds;
    }
    return sequences && received == expected && corrupted == 0 && misdelivered == 0 &&
           out_of_order == 0;
  }
};

/// The sum over every slot's checker, and how many slots did not get
/// exactly what was written.
struct tally {
  long long received = 0;
  long long corrupted = 0;
  long long misdelivered = 0;
  long long out_of_order = 0;
  long long incomplete_slots = 0;
};

template <class Checkers>
tally add_up(const Checkers& checkers, const slot_writers& all) {
  tally total;
  for (const slot_checker& checker : checkers) {
    total.received += checker.received;
    total.corrupted += checker.corrupted;
    total.misdelivered += checker.misdelivered;
    total.out_of_order += checker.out_of_order;
    total.incomplete_slots += checker.complete(all) ? 0 : 1;
  }
  return total;
}

/// Reads what is queued in `slot` into `checker` with synchronous reads (as
/// many as GetMailslotInfo counts: no read waits on an empty slot); the
/// number read. `ec` is set if a read fails or finds nothing.
inline long long drain(mailslot::server& slot, slot_checker& checker, std::error_code& ec) {
  const std::uint32_t queued = slot.info(ec).message_count;
  long long read = 0;
  for (std::uint32_t i = 0; !ec && i < queued; ++i) {
    const auto message = slot.try_read<std::vector<std::byte>>(std::chrono::milliseconds(0), ec);
    if (!message) {
      ec = ec ? ec : std::make_error_code(std::errc::no_message_available);
      break;
    }
    checker.take(message->data(), message->size());
    ++read;
  }
  return read;
}

/// `slots` new Windows-kind slots (asynchronous handles: what the thread
/// pool reader and the Asio server read), each waiting forever.
inline std::vector<mailslot::server> make_slots(const char* label) {
  std::vector<mailslot::server> servers;
  servers.reserve(slots);
  for (std::size_t s = 0; s < slots; ++s) {
    servers.push_back(
        nt_create_mailslot::create(unique_slot_name(label), with_timeout(mailslot::wait_forever)));
  }
  return servers;
}

inline std::vector<mailslot::name> names_of(const std::vector<mailslot::server>& servers) {
  std::vector<mailslot::name> names;
  for (const auto& server : servers) {
    names.push_back(server.name());
  }
  return names;
}

// --- what the process holds -----------------------------------------------------------------

/// Blocks the program holds from operator new (live_allocations.cpp replaces
/// it in this program): the library's and the C++ library's, Asio's
/// included.
long long live_allocations() noexcept;

/// This process's open handles: GetProcessHandleCount, or, where that
/// reports 0 (Wine 10 does), the process's entries in the system's handle
/// table (NtQuerySystemInformation, SystemExtendedHandleInformation), which
/// Wine keeps exactly. -1 if neither answers.
inline long long handle_count(const char** source = nullptr) {
  DWORD count = 0;
  if (::GetProcessHandleCount(::GetCurrentProcess(), &count) != FALSE && count != 0) {
    if (source != nullptr) {
      *source = "GetProcessHandleCount";
    }
    return count;
  }
  if (source != nullptr) {
    *source = "the system handle table (GetProcessHandleCount reports 0)";
  }
  struct entry {  // SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX
    void* object;
    ULONG_PTR process;
    ULONG_PTR handle;
    ULONG access;
    USHORT back_trace;
    USHORT type;
    ULONG attributes;
    ULONG reserved;
  };
  using query_type = LONG(WINAPI*)(int, void*, ULONG, ULONG*);
  const auto query = reinterpret_cast<query_type>(reinterpret_cast<void (*)()>(
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation")));
  if (query == nullptr) {
    return -1;
  }
  constexpr int system_extended_handle_information = 64;
  constexpr LONG info_length_mismatch = static_cast<LONG>(0xC0000004L);
  std::vector<ULONG_PTR> buffer(1 << 16);  // (aligned for the entries)
  for (int attempt = 0; attempt < 8; ++attempt) {
    ULONG needed = 0;
    const LONG status = query(system_extended_handle_information, buffer.data(),
                              static_cast<ULONG>(buffer.size() * sizeof(ULONG_PTR)), &needed);
    if (status == info_length_mismatch) {
      buffer.resize(buffer.size() * 2 + needed / sizeof(ULONG_PTR));
      continue;
    }
    if (status < 0) {
      return -1;
    }
    // SYSTEM_HANDLE_INFORMATION_EX: the number of entries, a reserved
    // word, then the entries.
    const ULONG_PTR entry_count = buffer[0];
    const auto* entries = reinterpret_cast<const entry*>(buffer.data() + 2);
    const auto self = static_cast<ULONG_PTR>(::GetCurrentProcessId());
    long long mine = 0;
    for (ULONG_PTR i = 0; i < entry_count; ++i) {
      mine += entries[i].process == self ? 1 : 0;
    }
    return mine;
  }
  return -1;
}

/// This process's committed private memory: GetProcessMemoryInfo's
/// PrivateUsage, or, where that reads 0 (Wine 10), the committed private
/// regions of its address space summed with VirtualQuery.
inline long long private_bytes(const char** source = nullptr) {
  struct counters {  // PROCESS_MEMORY_COUNTERS_EX
    DWORD cb;
    DWORD page_fault_count;
    SIZE_T peak_working_set, working_set, quota_peak_paged_pool, quota_paged_pool,
        quota_peak_non_paged_pool, quota_non_paged_pool, pagefile_usage, peak_pagefile_usage,
        private_usage;
  };
  // (kernel32's K32 name: no psapi.lib in any build)
  using query_type = BOOL(WINAPI*)(HANDLE, counters*, DWORD);
  const auto query = reinterpret_cast<query_type>(reinterpret_cast<void (*)()>(
      ::GetProcAddress(::GetModuleHandleW(L"kernel32.dll"), "K32GetProcessMemoryInfo")));
  counters memory{};
  memory.cb = sizeof memory;
  if (query != nullptr && query(::GetCurrentProcess(), &memory, sizeof memory) != FALSE &&
      memory.private_usage != 0) {
    if (source != nullptr) {
      *source = "PrivateUsage";
    }
    return static_cast<long long>(memory.private_usage);
  }
  if (source != nullptr) {
    *source = "committed private regions (PrivateUsage reads 0)";
  }
  long long total = 0;
  MEMORY_BASIC_INFORMATION region{};
  for (auto* address = static_cast<unsigned char*>(nullptr);
       ::VirtualQuery(address, &region, sizeof(region)) == sizeof(region);
       address = static_cast<unsigned char*>(region.BaseAddress) + region.RegionSize) {
    if (region.State == MEM_COMMIT && region.Type == MEM_PRIVATE) {
      total += static_cast<long long>(region.RegionSize);
    }
  }
  return total;
}

/// Bytes in use in this process's heaps (HeapWalk over GetProcessHeaps):
/// what the program and the library allocate, without what the heap keeps
/// committed for later or the threads' stacks.
inline long long heap_bytes() {
  std::vector<HANDLE> heaps(64);
  const DWORD count = ::GetProcessHeaps(static_cast<DWORD>(heaps.size()), heaps.data());
  heaps.resize((std::min)(static_cast<std::size_t>(count), heaps.size()));
  long long total = 0;
  for (const HANDLE heap : heaps) {
    if (::HeapLock(heap) == FALSE) {
      continue;
    }
    PROCESS_HEAP_ENTRY entry{};
    while (::HeapWalk(heap, &entry) != FALSE) {
      if ((entry.wFlags & PROCESS_HEAP_ENTRY_BUSY) != 0) {
        total += static_cast<long long>(entry.cbData);
      }
    }
    ::HeapUnlock(heap);
  }
  return total;
}

struct resources {
  long long handles = 0;
  long long private_bytes = 0;
  long long heap_bytes = 0;
  long long allocations = 0;

  static resources now() {
    return {handle_count(), scale::private_bytes(), scale::heap_bytes(), live_allocations()};
  }
};

inline void print(const char* what, const resources& r) {
  std::printf(
      "  %s: %lld handles, %lld private bytes, %lld heap bytes in use, %lld blocks from operator "
      "new\n",
      what, r.handles, r.private_bytes, r.heap_bytes, r.allocations);
}

/// Checks that a second round left the process as the first (the warm-up)
/// left it: handles within 8 (the system may make or drop a few on its own:
/// seen, one fewer once the default pool's idle threads had gone), far fewer
/// than one per writer (64) or per slot (1,000); blocks from operator new
/// within 16 (measured: none more), where one per slot would be 1,000;
/// committed private memory within `private_tolerance`, what the heap may
/// commit anew for a round of the same size (see the callers). A decrease
/// is no leak.
inline void check_came_back(const resources& warm, const resources& after,
                            long long private_tolerance) {
  CHECK(after.handles <= warm.handles + 8);
  CHECK(after.allocations <= warm.allocations + 16);
  CHECK(after.private_bytes <= warm.private_bytes + private_tolerance);
}

inline void print_sources() {
  const char* handles = "";
  const char* memory = "";
  (void)handle_count(&handles);
  (void)private_bytes(&memory);
  std::printf("  handles from %s; private bytes from %s\n", handles, memory);
}

}  // namespace mailslot_test::scale

#endif
