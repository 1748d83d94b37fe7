#ifndef MAILSLOT_TESTS_SUPPORT_STREAM_MESSAGE_HPP
#define MAILSLOT_TESTS_SUPPORT_STREAM_MESSAGE_HPP

// The messages of the reliability tests: a 16-byte header (writer, sequence
// number, payload length, FNV-1a checksum of the payload) and a payload of
// random length (0 to 4 KiB) and content.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <vector>

namespace mailslot_test {

inline constexpr std::size_t stream_header_size = 16;
inline constexpr std::size_t stream_max_payload = 4096;

inline std::uint32_t fnv1a(const unsigned char* data, std::size_t size) {
  std::uint32_t h = 2166136261U;
  for (std::size_t i = 0; i < size; ++i) {
    h = (h ^ data[i]) * 16777619U;
  }
  return h;
}

/// The message number `sequence` of `writer`, with a payload of up to
/// `max_payload` bytes drawn from `random`.
inline std::vector<unsigned char> make_stream_message(
    std::uint32_t writer, std::uint32_t sequence, std::mt19937& random,
    std::size_t max_payload = stream_max_payload) {
  const auto length = static_cast<std::uint32_t>(random() % (max_payload + 1));
  std::vector<unsigned char> message(stream_header_size + length);
  for (std::size_t i = stream_header_size; i < message.size(); ++i) {
    message[i] = static_cast<unsigned char>(random());
  }
  const std::uint32_t checksum = fnv1a(message.data() + stream_header_size, length);
  const std::uint32_t header[4] = {writer, sequence, length, checksum};
  std::memcpy(message.data(), header, sizeof header);
  return message;
}

struct stream_id {
  std::uint32_t writer;
  std::uint32_t sequence;
};

/// The writer and sequence number of an intact message; empty if it is not
/// one (wrong length or checksum).
inline std::optional<stream_id> check_stream_message(const unsigned char* data, std::size_t size) {
  if (size < stream_header_size) {
    return std::nullopt;
  }
  std::uint32_t header[4];
  std::memcpy(header, data, sizeof header);
  if (header[2] != size - stream_header_size ||
      header[3] != fnv1a(data + stream_header_size, header[2])) {
    return std::nullopt;
  }
  return stream_id{header[0], header[1]};
}

}  // namespace mailslot_test

#endif
