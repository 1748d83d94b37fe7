// The stress program's global operator new and delete: they count the blocks
// the program holds (scale_support.hpp: live_allocations()), so that a case
// can tell whether what it made has gone. Every allocation of the library
// and of the C++ library goes through them (nothrow and array forms call
// these).

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long long> live{0};
}  // namespace

namespace mailslot_test::scale {
long long live_allocations() noexcept { return live.load(); }
}  // namespace mailslot_test::scale

void* operator new(std::size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    live.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  if (p != nullptr) {
    live.fetch_sub(1, std::memory_order_relaxed);
    std::free(p);
  }
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
