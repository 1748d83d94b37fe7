#ifndef MAILSLOT_BUFFER_HPP
#define MAILSLOT_BUFFER_HPP

/// @file
/// mailslot::mutable_buffer, a caller's fixed memory for one message, and
/// mailslot::buffer(), which makes one. Portable: nothing here needs Windows.

#include <mailslot/detail/config.hpp>

#include <cstddef>
#if MAILSLOT_HAS_SPAN
#  include <span>
#endif
#include <type_traits>
#include <utility>

namespace mailslot {

namespace detail {
/// Storage a buffer can be made of: contiguous, of one-byte trivially
/// copyable elements that are not const (std::array<char, N>,
/// std::vector<std::byte>, std::string, ...).
template <class C, class = void>
struct is_byte_storage : std::false_type {};
template <class C>
struct is_byte_storage<
    C, std::void_t<decltype(std::declval<C&>().data()), decltype(std::declval<C&>().size())>>
    : std::bool_constant<
          !std::is_const_v<C> && std::is_pointer_v<decltype(std::declval<C&>().data())> &&
          sizeof(std::remove_pointer_t<decltype(std::declval<C&>().data())>) == 1 &&
          std::is_trivially_copyable_v<
              std::remove_pointer_t<decltype(std::declval<C&>().data())>> &&
          !std::is_const_v<std::remove_pointer_t<decltype(std::declval<C&>().data())>>> {};
}  // namespace detail

/// Memory of the caller's where a read puts one message: `size()` bytes at
/// `data()`, not owned. A message larger than it is not read (it stays
/// queued; see server::read). Made by mailslot::buffer(), or, in C++20, from
/// a std::span of bytes.
class mutable_buffer {
 public:
  /// No memory: only an empty message fits.
  constexpr mutable_buffer() noexcept = default;
  /// `size` bytes at `data`.
  /// @param data  where the message goes
  /// @param size  how many bytes fit there
  constexpr mutable_buffer(void* data, std::size_t size) noexcept : data_(data), size_(size) {}
#if MAILSLOT_HAS_SPAN
  /// The bytes of `bytes`.
  /// @param bytes  where the message goes; its size is the limit
  constexpr mutable_buffer(
      std::span<std::byte> bytes) noexcept  // NOLINT(google-explicit-constructor)
      : data_(bytes.data()), size_(bytes.size()) {}
  /// The characters of `chars`.
  /// @param chars  where the message goes; its size is the limit
  constexpr mutable_buffer(std::span<char> chars) noexcept  // NOLINT(google-explicit-constructor)
      : data_(chars.data()), size_(chars.size()) {}
#endif

  /// Where the message goes.
  /// @return the first byte
  [[nodiscard]] constexpr void* data() const noexcept { return data_; }
  /// How many bytes fit.
  /// @return the size in bytes
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

/// A buffer of `size` bytes at `data`.
/// @param data  where the message goes
/// @param size  how many bytes fit there
/// @return the buffer
[[nodiscard]] constexpr mutable_buffer buffer(void* data, std::size_t size) noexcept {
  return {data, size};
}

/// The bytes `storage` holds now: a C array, std::array, std::vector or
/// std::string of one-byte elements. Its size is the limit; a read does not
/// resize it (for that, read into the container itself: server::read(Container&)).
/// @param storage  where the message goes
/// @return the buffer
template <class Storage, std::enable_if_t<detail::is_byte_storage<Storage>::value, int> = 0>
[[nodiscard]] constexpr mutable_buffer buffer(Storage& storage) noexcept {
  return {storage.data(), storage.size()};
}

/// The bytes of a C array of one-byte elements.
/// @param array  where the message goes
/// @return the buffer
template <class T, std::size_t N,
          std::enable_if_t<sizeof(T) == 1 && std::is_trivially_copyable_v<T> && !std::is_const_v<T>,
                           int> = 0>
[[nodiscard]] constexpr mutable_buffer buffer(T (&array)[N]) noexcept {
  return {array, N};
}

}  // namespace mailslot

#endif
