#ifndef MAILSLOT_TESTS_MODEL_WORLDS_HPP
#define MAILSLOT_TESTS_MODEL_WORLDS_HPP

// A world: a slot, its writers and one kind of reader, driven step by step
// by a sequence (the driver is the thread that calls apply()). Each world is
// a user of the library who keeps its rules (which thread may call what, and
// when); the model checks what the library does with that.

#include <model/model.hpp>
#include <model/sequence.hpp>

#include <memory>
#include <string>

namespace mailslot_model {

class world {
 public:
  world() = default;
  world(const world&) = delete;
  world& operator=(const world&) = delete;
  virtual ~world() = default;

  /// Runs one step (the driver's part of it; readers and writers go on in
  /// the background).
  virtual void apply(const step& one) = 0;
  /// Waits for the writers, ends every read, checks the counts, drains the
  /// slot and checks that every message was delivered once.
  virtual void finish() = 0;
};

/// The settings of one run, and where it reports.
struct run_context {
  const sequence& steps;
  slot_model& model;
  std::string slot;  // a unique name
};

std::unique_ptr<world> make_sync_world(run_context& run);
std::unique_ptr<world> make_pool_world(run_context& run);
std::unique_ptr<world> make_asio_world(run_context& run);

}  // namespace mailslot_model

#endif
