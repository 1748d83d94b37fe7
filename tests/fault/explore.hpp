#ifndef MAILSLOT_TESTS_FAULT_EXPLORE_HPP
#define MAILSLOT_TESTS_FAULT_EXPLORE_HPP

// Runs a scenario again and again with the Nth Win32 call, then the Nth
// allocation, failing, for N = 1, 2, ... until a run completes with no
// failure injected, and checks after every run what the library promises:
//
//   - the failure was reported (an error code or an exception), or the
//     library absorbed it and the scenario's results are whole;
//   - no crash, hang or terminate (a watchdog names the run that hangs; a
//     crash or std::terminate prints the run before the program ends);
//   - no message lost: every message whose write succeeded is read, in
//     order, by the scenario or afterwards;
//   - the slot's read timeout is what the scenario set;
//   - each object is usable, or says errc::not_open;
//   - no handle leaked, and the name can be created again once the
//     scenario's objects are gone.
//
// A first run with nothing failed does once what the process does once, so
// that every later run makes the same calls in the same order.
//
// A scenario is a class with act(run&) (the library calls, counted and
// failed; it stops at the first error reported) and check(run&) (after the
// harness is disarmed: reads what is left, checks the objects) and name()
// (the mailslot it created); its destructor ends its objects.

#include <fault/fault.hpp>

#include <mailslot/mailslot.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace mailslot_fault {

/// What one run saw.
class run {
 public:
  /// After a step: false (and the error remembered) if `ec` reports one.
  bool ok(const char* step, const std::error_code& ec) {
    if (!ec) {
      return true;
    }
    const outside guard;
    if (!reported_) {
      reported_ = true;
      code_ = ec;
      error_ = std::string(step) + ": " + ec.message() + " (" + ec.category().name() + " " +
               std::to_string(ec.value()) + ")";
    }
    return false;
  }

  /// Runs a step of the throwing API: false (and the error remembered) if it
  /// throws.
  template <class F>
  bool attempt(const char* step, F&& f) {
    try {
      f();
      return true;
    } catch (const std::system_error& e) {
      return ok(step, e.code());
    } catch (const std::bad_alloc&) {
      return ok(step, std::make_error_code(std::errc::not_enough_memory));
    }
  }

  /// Records a broken promise.
  void violation(const std::string& what) {
    const outside guard;
    violations_.push_back(what);
  }

  /// Checks `condition`; a violation saying `what` if false.
  void expect(bool condition, const char* what) {
    if (!condition) {
      violation(what);
    }
  }

  /// The scenario uses error_code forms only: an exception out of it (a
  /// std::bad_alloc above all) breaks the library's rule that they report
  /// every failure, running out of memory included, and throw nothing.
  void forbid_exceptions() noexcept { exceptions_forbidden_ = true; }
  [[nodiscard]] bool exceptions_forbidden() const noexcept { return exceptions_forbidden_; }

  [[nodiscard]] bool reported() const noexcept { return reported_; }
  /// The first error reported, and what it said.
  [[nodiscard]] const std::error_code& code() const noexcept { return code_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  /// The failure injected in this run, once act() is over.
  [[nodiscard]] const std::optional<injected>& fault() const noexcept { return fault_; }
  void set_fault(const std::optional<injected>& fault) { fault_ = fault; }
  [[nodiscard]] const std::vector<std::string>& violations() const noexcept { return violations_; }

 private:
  bool reported_ = false;
  bool exceptions_forbidden_ = false;
  std::error_code code_;
  std::string error_;
  std::optional<injected> fault_;
  std::vector<std::string> violations_;
};

/// Checks that `received` is `written`, in order and byte for byte.
template <class Message>
void expect_same_messages(run& r, const std::vector<Message>& written,
                          const std::vector<Message>& received) {
  const outside guard;
  if (received == written) {
    return;
  }
  std::string what = "messages lost or changed: " + std::to_string(written.size()) + " written, " +
                     std::to_string(received.size()) + " read";
  for (std::size_t i = 0; i < written.size() && i < received.size(); ++i) {
    if (received[i] != written[i]) {
      what += "; message " + std::to_string(i) + " differs (" + std::to_string(written[i].size()) +
              " bytes written, " + std::to_string(received[i].size()) + " read)";
      break;
    }
  }
  r.violation(what);
}

/// True if `ec` is how the library reports `fault`: the Win32 error given
/// (in the system category, or Asio's), std::bad_alloc's, or one of the
/// translations the library documents.
inline bool explains(const injected& fault, const std::error_code& ec) {
  const std::string category = ec.category().name();
  const bool win32 = category == "system" || category == "asio.system";
  if (fault.what == target::allocation) {
    return ec == std::errc::not_enough_memory ||
           (win32 && (ec.value() == ERROR_NOT_ENOUGH_MEMORY || ec.value() == ERROR_OUTOFMEMORY));
  }
  if (win32 && ec.value() == static_cast<int>(fault.error)) {
    return true;
  }
  const std::string function = fault.function;
  // A handle whose kind cannot be told counts as synchronous, which the
  // asynchronous readers refuse; an owner that cannot be compared is not
  // the one required (the check fails closed).
  return ((function == "GetModuleHandleW" || function == "GetProcAddress") &&
          ec == mailslot::errc::synchronous_handle) ||
         (function == "EqualSid" && ec == mailslot::errc::unexpected_owner);
}

/// What exploring one scenario found.
struct report {
  std::string scenario;
  long long runs = 0;
  long long win32_points = 0;       // runs with a Win32 call failed
  long long allocation_points = 0;  // runs with an allocation failed
  long long absorbed = 0;           // failures the library absorbed, results whole
  std::map<std::string, long long> by_function;
  std::map<std::string, long long> absorbed_by_function;
  std::vector<std::string> violations;
};

namespace detail {

// The run under way, for the watchdog and the crash handlers (written under
// the lock; read with a try, so that a crash while it is held still ends).
inline char current_run[512] = "no run yet";
inline SRWLOCK current_run_lock = SRWLOCK_INIT;
inline std::atomic<long long> run_started_ms{0};

inline long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Installs, once: the interception, a watchdog that ends the program naming
// a run that takes over 90 s, and handlers that name the run on a crash or
// std::terminate.
void start_guards();

}  // namespace detail

/// Explores `Scenario` (made by `make()` for each run): see above.
template <class Make>
report explore(const std::string& scenario, Make make) {
  detail::start_guards();
  report result;
  result.scenario = scenario;
  {
    // A run with nothing failed first: what the process does once (a lookup
    // cached for the program's life) is done, so that each later run makes
    // the same calls in the same order and the Nth is the same call each
    // time. (The lookup's own failure has a test of its own.)
    run warm_up;
    auto s = make();
    s.act(warm_up);
    s.check(warm_up);
  }
  forget_handles();
  for (const target what : {target::win32, target::allocation}) {
    for (long long n = 1;; ++n) {
      {
        const outside guard;
        ::AcquireSRWLockExclusive(&detail::current_run_lock);
        std::snprintf(detail::current_run, sizeof detail::current_run, "%s, %s %lld failing",
                      scenario.c_str(), what == target::win32 ? "Win32 call" : "allocation", n);
        ::ReleaseSRWLockExclusive(&detail::current_run_lock);
      }
      detail::run_started_ms.store(detail::now_ms());
      forget_handles();
      run r;
      armed_result armed;
      std::string slot;
      {
        auto s = make();
        slot = s.name();
        arm(what, n);
        try {
          s.act(r);
        } catch (const std::system_error& e) {  // (reported: what the throwing API promises)
          (void)r.ok("an exception out of the scenario", e.code());
          if (r.exceptions_forbidden()) {
            r.violation("std::system_error out of an error_code form");
          }
        } catch (const std::bad_alloc&) {
          (void)r.ok("an exception out of the scenario",
                     std::make_error_code(std::errc::not_enough_memory));
          if (r.exceptions_forbidden()) {
            r.violation("std::bad_alloc out of an error_code form (they report it)");
          }
        }
        armed = disarm();
        r.set_fault(armed.hit);
        s.check(r);  // (may report what the scenario learns late, from a callback)
        const outside guard;
        if (armed.hit) {
          if (!r.reported()) {
            ++result.absorbed;
            ++result.absorbed_by_function[armed.hit->function];
          } else if (!explains(*armed.hit, r.code())) {
            r.violation("the error reported is not the failure's: " + r.error());
          }
        } else if (r.reported()) {
          r.violation("an error without a failure injected: " + r.error());
        }
      }  // the scenario's objects end here
      const outside guard;
      for (const std::string& left : open_handles()) {
        r.violation(left + " is still open after the scenario's objects were destroyed");
      }
      if (!slot.empty()) {
        std::error_code ec;
        (void)mailslot::server::create(slot, {}, ec);
        if (ec) {
          r.violation("the name cannot be created again: " + ec.message());
        }
      }
      ++result.runs;
      if (armed.hit) {
        ++(what == target::win32 ? result.win32_points : result.allocation_points);
        ++result.by_function[armed.hit->function];
      }
      for (const std::string& v : r.violations()) {
        ::AcquireSRWLockShared(&detail::current_run_lock);
        std::string where = std::string(detail::current_run);
        ::ReleaseSRWLockShared(&detail::current_run_lock);
        if (armed.hit) {
          where += " (" + std::string(armed.hit->function) + ", call " +
                   std::to_string(armed.hit->call) + ")";
        }
        where += r.reported() ? ", reported \"" + r.error() + "\"" : ", nothing reported";
        result.violations.push_back(where + ": " + v);
      }
      if (!armed.hit) {
        break;  // a run with no failure injected: every call of the scenario has failed once
      }
    }
  }
  detail::run_started_ms.store(0);
  const outside guard;
  const auto list = [](const std::map<std::string, long long>& counts) {
    std::string text;
    for (const auto& [function, count] : counts) {
      text += (text.empty() ? "" : ", ") + function + " " + std::to_string(count);
    }
    return text;
  };
  std::printf(
      "fault injection: %s: %lld runs, %lld Win32 calls and %lld allocations failed in turn "
      "(%s), %lld absorbed (%s), %zu violations\n",
      scenario.c_str(), result.runs, result.win32_points, result.allocation_points,
      list(result.by_function).c_str(), result.absorbed, list(result.absorbed_by_function).c_str(),
      result.violations.size());
  std::fflush(stdout);
  return result;
}

}  // namespace mailslot_fault

#endif
