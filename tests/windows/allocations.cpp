// The global operator new of the Windows test program: counts allocations and
// fails one on request (tests/support/allocations.hpp).

#include <support/allocations.hpp>

#include <cstdlib>
#include <new>

namespace {
std::atomic<long long> made{0};
std::atomic<std::size_t> fail_size{0};  // fail the next allocation of at least this (0: none)
}  // namespace

namespace mailslot_test::allocations {
long long count() noexcept { return made.load(); }
void fail_next_at_least(std::size_t size) noexcept { fail_size.store(size); }
bool disarm() noexcept { return fail_size.exchange(0) != 0; }
}  // namespace mailslot_test::allocations

void* operator new(std::size_t size) {
  std::size_t armed = fail_size.load();
  if (armed != 0 && size >= armed && fail_size.compare_exchange_strong(armed, 0)) {
    throw std::bad_alloc();
  }
  made.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
