#ifndef MAILSLOT_DETAIL_UNIQUE_HANDLE_HPP
#define MAILSLOT_DETAIL_UNIQUE_HANDLE_HPP

#include <mailslot/detail/windows.hpp>
#include <mailslot/error.hpp>

#include <system_error>

namespace mailslot::detail {

/// Move-only owner of a kernel HANDLE. Both of Win32's "no handle" values,
/// NULL and INVALID_HANDLE_VALUE, mean empty; the stored value is then NULL.
class unique_handle {
 public:
  unique_handle() noexcept = default;

  /// Takes ownership of `handle` (which may be NULL or INVALID_HANDLE_VALUE).
  explicit unique_handle(HANDLE handle) noexcept : handle_(normalize(handle)) {}

  unique_handle(const unique_handle&) = delete;
  unique_handle& operator=(const unique_handle&) = delete;

  unique_handle(unique_handle&& other) noexcept : handle_(other.release()) {}

  unique_handle& operator=(unique_handle&& other) noexcept {
    if (this != &other) {
      reset(other.release());
    }
    return *this;
  }

  ~unique_handle() { reset(); }

  [[nodiscard]] HANDLE get() const noexcept { return handle_; }
  [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr; }
  explicit operator bool() const noexcept { return valid(); }

  /// Gives up ownership without closing.
  [[nodiscard]] HANDLE release() noexcept {
    HANDLE handle = handle_;
    handle_ = nullptr;
    return handle;
  }

  /// Closes the owned handle, if any, and takes `handle`. Preserves
  /// GetLastError(): a destructor running while a caller is about to read the
  /// error of a failed call must not overwrite it.
  void reset(HANDLE handle = nullptr) noexcept {
    HANDLE old = handle_;
    handle_ = normalize(handle);
    if (old != nullptr) {
      const DWORD saved = ::GetLastError();
      ::CloseHandle(old);
      ::SetLastError(saved);
    }
  }

  /// Closes the owned handle and reports whether CloseHandle failed. The
  /// object is empty afterwards either way.
  void close(std::error_code& ec) noexcept {
    ec.clear();
    HANDLE old = release();
    if (old != nullptr && ::CloseHandle(old) == FALSE) {
      ec = last_error();
    }
  }

  /// Sets or clears HANDLE_FLAG_INHERIT (SetHandleInformation).
  void set_inheritable(bool inheritable, std::error_code& ec) const noexcept {
    ec.clear();
    if (handle_ == nullptr) {
      ec = make_error_code(errc::not_open);
    } else if (::SetHandleInformation(handle_, HANDLE_FLAG_INHERIT,
                                      inheritable ? HANDLE_FLAG_INHERIT : 0) == FALSE) {
      ec = last_error();
    }
  }

  void swap(unique_handle& other) noexcept {
    HANDLE handle = handle_;
    handle_ = other.handle_;
    other.handle_ = handle;
  }

 private:
  static HANDLE normalize(HANDLE handle) noexcept {
    return handle == INVALID_HANDLE_VALUE ? nullptr : handle;
  }

  HANDLE handle_ = nullptr;
};

}  // namespace mailslot::detail

#endif
