#ifndef MAILSLOT_TESTS_SUPPORT_ALLOCATIONS_HPP
#define MAILSLOT_TESTS_SUPPORT_ALLOCATIONS_HPP

// The Windows test program replaces the global operator new
// (tests/windows/allocations.cpp): it counts allocations and fails one when a
// test asks.

#include <atomic>
#include <cstddef>

namespace mailslot_test::allocations {

/// Allocations made by the program so far.
long long count() noexcept;

/// Makes the next allocation of at least `size` bytes throw std::bad_alloc.
void fail_next_at_least(std::size_t size) noexcept;

/// True while an armed failure has not happened yet; disarms it.
bool disarm() noexcept;

}  // namespace mailslot_test::allocations

#endif
