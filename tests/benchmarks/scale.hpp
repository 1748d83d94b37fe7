#ifndef MAILSLOT_TESTS_BENCHMARKS_SCALE_HPP
#define MAILSLOT_TESTS_BENCHMARKS_SCALE_HPP

// The benchmark's scale and deep-queue parts (scale.cpp), called from
// mailslot_bench.cpp's main().

namespace mailslot_bench {

/// --scale: every reader kind over 1 to 10,000 slots and 1 to 64 writers,
/// each (kind, slot count) in a child process of its own (this program, run
/// with --scale-point); prints the `scale ...` lines. False if a point
/// failed or a message arrived wrong.
bool run_scale();

/// --scale-point KIND N: one kind over N slots, every writer count, in this
/// process (the child --scale starts). Returns the exit code.
int run_scale_point(const char* kind, const char* slots);

/// --deep: every read form and reader kind reading a queue 1,000, 10,000
/// and 100,000 messages deep; prints the `deep ...` lines. False if a
/// message arrived wrong.
bool run_deep();

/// For --quick: one tiny point of each (every reader kind over a few slots,
/// every form on a shallow queue), in this process; false unless every
/// message arrived intact.
bool run_scale_and_deep_quick();

}  // namespace mailslot_bench

#endif
