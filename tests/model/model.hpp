#ifndef MAILSLOT_TESTS_MODEL_MODEL_HPP
#define MAILSLOT_TESTS_MODEL_MODEL_HPP

// The model a random sequence of operations is checked against: a slot holds
// the messages written to it, in each writer's order; each is delivered
// exactly once, in that order to each consumer (a thread, a thread pool
// reader's server, or the reads issued one after another into buffers), or
// is still queued. Messages carry their writer, number and size, and bytes
// that follow from those, so that each delivery is checked whole.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mailslot_model {

/// Bytes that identify a message: writer, number, size.
constexpr std::size_t header_size = 12;

inline unsigned char payload_byte(unsigned writer, std::uint32_t number, std::size_t at) {
  return static_cast<unsigned char>((number * 131U) + (at * 7U) + (writer * 29U));
}

/// The message `number` of `writer`, `size` bytes (0, or at least header_size).
inline std::vector<unsigned char> make_message(unsigned writer, std::uint32_t number,
                                               std::size_t size) {
  std::vector<unsigned char> bytes(size);
  if (size == 0) {
    return bytes;
  }
  bytes[0] = 'M';
  bytes[1] = 'S';
  bytes[2] = static_cast<unsigned char>(writer);
  bytes[3] = 0;
  for (unsigned i = 0; i < 4; ++i) {
    bytes[4 + i] = static_cast<unsigned char>(number >> (8U * i));
    bytes[8 + i] = static_cast<unsigned char>(static_cast<std::uint32_t>(size) >> (8U * i));
  }
  for (std::size_t at = header_size; at < size; ++at) {
    bytes[at] = payload_byte(writer, number, at);
  }
  return bytes;
}

/// Everything written and delivered, and what was found wrong.
class slot_model {
 public:
  /// A consumer whose deliveries are not ordered against each other.
  static constexpr int unordered = -1;

  explicit slot_model(unsigned writers) : written_(writers) {}

  /// Registers the next message of `writer` before it is written.
  std::uint32_t begin_write(unsigned writer, std::size_t size) {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (size == 0) {
      ++empty_pending_;
      return 0;
    }
    written_[writer].push_back({static_cast<std::uint32_t>(size), state::pending, 0});
    return static_cast<std::uint32_t>(written_[writer].size() - 1);
  }

  /// The write of that message ended: in the slot, or failed (never there).
  void end_write(unsigned writer, std::uint32_t number, std::size_t size, bool ok) {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (size == 0) {
      --empty_pending_;
      empty_written_ += ok ? 1 : 0;
      return;
    }
    auto& message = written_[writer][number];
    message.status = ok ? state::written : state::failed;
    if (!ok && message.delivered > 0) {
      violation("writer " + std::to_string(writer) + "'s message " + std::to_string(number) +
                " was delivered though its write failed");
    }
  }

  /// A message delivered to `consumer` (unordered, or a number of its own).
  void deliver(int consumer, const unsigned char* data, std::size_t size) {
    const std::lock_guard<std::mutex> hold(mutex_);
    ++checked_;
    if (size == 0) {
      ++empty_delivered_;
      if (empty_delivered_ > empty_written_ + empty_pending_) {
        violation("more empty messages delivered (" + std::to_string(empty_delivered_) +
                  ") than written");
      }
      return;
    }
    if (size < header_size || data[0] != 'M' || data[1] != 'S' || data[2] >= written_.size()) {
      violation("a message of " + std::to_string(size) + " bytes that no writer wrote");
      return;
    }
    const unsigned writer = data[2];
    std::uint32_t number = 0;
    std::uint32_t declared = 0;
    for (unsigned i = 0; i < 4; ++i) {
      number |= static_cast<std::uint32_t>(data[4 + i]) << (8U * i);
      declared |= static_cast<std::uint32_t>(data[8 + i]) << (8U * i);
    }
    const std::string which =
        "writer " + std::to_string(writer) + "'s message " + std::to_string(number);
    if (number >= written_[writer].size()) {
      violation(which + ", never written, was delivered");
      return;
    }
    auto& message = written_[writer][number];
    if (declared != size || message.size != size) {
      violation(which + " arrived with " + std::to_string(size) + " bytes, not " +
                std::to_string(message.size));
      return;
    }
    for (std::size_t at = header_size; at < size; ++at) {
      if (data[at] != payload_byte(writer, number, at)) {
        violation(which + " arrived with byte " + std::to_string(at) + " changed");
        return;
      }
    }
    if (message.status == state::failed) {
      violation(which + " was delivered though its write failed");
    }
    if (++message.delivered > 1) {
      violation(which + " was delivered " + std::to_string(message.delivered) + " times");
    }
    if (consumer != unordered) {
      auto& last = last_[{consumer, writer}];
      if (last.first && last.second >= number) {
        violation(which + " reached consumer " + std::to_string(consumer) + " after message " +
                  std::to_string(last.second));
      }
      last = {true, number};
    }
  }

  /// Ordered deliveries by issue position (Windows hands messages to reads
  /// in the order the reads were issued): the read issued `position`-th got
  /// `data`.
  void deliver_at(long position, const unsigned char* data, std::size_t size) {
    deliver(unordered, data, size);
    if (size < header_size) {
      return;
    }
    const std::lock_guard<std::mutex> hold(mutex_);
    const unsigned writer = data[2];
    std::uint32_t number = 0;
    for (unsigned i = 0; i < 4; ++i) {
      number |= static_cast<std::uint32_t>(data[4 + i]) << (8U * i);
    }
    auto& by_position = issued_[writer];
    const auto next = by_position.lower_bound(position);
    if (next != by_position.end() && next->second <= number) {
      violation("the read issued " + std::to_string(position) + "th got writer " +
                std::to_string(writer) + "'s message " + std::to_string(number) +
                ", the later one issued " + std::to_string(next->first) + "th an earlier one (" +
                std::to_string(next->second) + ")");
    }
    if (next != by_position.begin() && std::prev(next)->second >= number) {
      violation("the read issued " + std::to_string(position) + "th got writer " +
                std::to_string(writer) + "'s message " + std::to_string(number) +
                ", the earlier one issued " + std::to_string(std::prev(next)->first) +
                "th a later one (" + std::to_string(std::prev(next)->second) + ")");
    }
    by_position[position] = number;
  }

  /// A handler destroyed without being called: its read may have taken a
  /// message (documented: dropped with its handler when its context is
  /// destroyed).
  void dropped_handler() {
    const std::lock_guard<std::mutex> hold(mutex_);
    ++dropped_;
  }

  /// With no write and no read under way: written = delivered + `queued`
  /// (+ at most one message per dropped handler).
  void check_counts(unsigned long queued, const char* when) {
    const std::lock_guard<std::mutex> hold(mutex_);
    const auto [written, delivered] = totals();
    const long long missing = static_cast<long long>(written) - static_cast<long long>(delivered) -
                              static_cast<long long>(queued);
    if (missing < 0 || missing > static_cast<long long>(dropped_)) {
      violation(std::string(when) + ": " + std::to_string(written) + " written, " +
                std::to_string(delivered) + " delivered, " + std::to_string(queued) + " queued" +
                (dropped_ > 0 ? " (" + std::to_string(dropped_) + " handlers dropped)" : ""));
    }
  }

  /// After the slot was drained: every message written was delivered once
  /// (but for at most one per dropped handler).
  void check_all_delivered() {
    const std::lock_guard<std::mutex> hold(mutex_);
    unsigned long missing = 0;
    std::string first;
    for (unsigned writer = 0; writer < written_.size(); ++writer) {
      for (std::uint32_t number = 0; number < written_[writer].size(); ++number) {
        const auto& message = written_[writer][number];
        if (message.status == state::written && message.delivered == 0) {
          ++missing;
          if (first.empty()) {
            first = "writer " + std::to_string(writer) + "'s message " + std::to_string(number) +
                    " (" + std::to_string(message.size) + " bytes)";
          }
        }
      }
    }
    const unsigned long empty_missing = empty_written_ - std::min(empty_written_, empty_delivered_);
    if (missing + empty_missing > dropped_) {
      violation("after draining the slot, " + std::to_string(missing + empty_missing) +
                " messages were never delivered" + (first.empty() ? "" : ", first " + first) +
                (dropped_ > 0 ? " (" + std::to_string(dropped_) + " handlers dropped)" : ""));
    }
  }

  void violation(std::string what) {
    if (violations_.size() < 20) {
      violations_.push_back(std::move(what));
    }
    ++violation_count_;
  }
  void report_violation(std::string what) {
    const std::lock_guard<std::mutex> hold(mutex_);
    violation(std::move(what));
  }

  [[nodiscard]] unsigned long violation_count() {
    const std::lock_guard<std::mutex> hold(mutex_);
    return violation_count_;
  }
  [[nodiscard]] std::vector<std::string> violations() {
    const std::lock_guard<std::mutex> hold(mutex_);
    return violations_;
  }
  [[nodiscard]] unsigned long checked() {
    const std::lock_guard<std::mutex> hold(mutex_);
    return checked_;
  }

 private:
  enum class state : unsigned char { pending, written, failed };
  struct record {
    std::uint32_t size;
    state status;
    unsigned delivered;
  };

  [[nodiscard]] std::pair<unsigned long, unsigned long> totals() const {
    unsigned long written = empty_written_;
    unsigned long delivered = empty_delivered_;
    for (const auto& by_writer : written_) {
      for (const auto& message : by_writer) {
        written += message.status == state::written ? 1 : 0;
        delivered += message.delivered;
      }
    }
    return {written, delivered};
  }

  std::mutex mutex_;
  std::vector<std::vector<record>> written_;
  unsigned long empty_pending_ = 0;
  unsigned long empty_written_ = 0;
  unsigned long empty_delivered_ = 0;
  unsigned long dropped_ = 0;
  unsigned long checked_ = 0;
  std::map<std::pair<int, unsigned>, std::pair<bool, std::uint32_t>> last_;
  std::map<unsigned, std::map<long, std::uint32_t>> issued_;
  std::vector<std::string> violations_;
  unsigned long violation_count_ = 0;
};

}  // namespace mailslot_model

#endif
