// The model that tests/model checks random sequences against: each of its
// checks reports what it is there to catch.

#include <model/model.hpp>
#include <model/sequence.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using mailslot_model::make_message;
using mailslot_model::slot_model;

// Writes message `number` of `writer` (size bytes) into the model; returns its bytes.
std::vector<unsigned char> written(slot_model& model, unsigned writer, std::size_t size) {
  const std::uint32_t number = model.begin_write(writer, size);
  model.end_write(writer, number, size, true);
  return make_message(writer, number, size);
}

bool mentions(slot_model& model, const std::string& words) {
  for (const auto& v : model.violations()) {
    if (v.find(words) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("the model accepts messages delivered once each, in order") {
  slot_model model(2);
  const auto a = written(model, 0, 100);
  const auto b = written(model, 1, 12);
  const auto c = written(model, 0, 5000);
  const auto empty = written(model, 1, 0);
  model.deliver(0, a.data(), a.size());
  model.deliver(1, b.data(), b.size());
  model.deliver(0, c.data(), c.size());
  model.check_counts(1, "midway");
  model.deliver(0, empty.data(), empty.size());
  model.check_counts(0, "at the end");
  model.check_all_delivered();
  CHECK(model.violation_count() == 0);
  CHECK(model.checked() == 4);
}

TEST_CASE("the model reports a message delivered twice") {
  slot_model model(1);
  const auto a = written(model, 0, 40);
  model.deliver(0, a.data(), a.size());
  model.deliver(1, a.data(), a.size());
  CHECK(mentions(model, "delivered 2 times"));
}

TEST_CASE("the model reports a consumer that gets a writer's messages out of order") {
  slot_model model(1);
  const auto a = written(model, 0, 40);
  const auto b = written(model, 0, 40);
  model.deliver(3, b.data(), b.size());
  model.deliver(3, a.data(), a.size());
  CHECK(mentions(model, "reached consumer 3 after message 1"));
}

TEST_CASE("the model lets unordered deliveries come in any order") {
  slot_model model(1);
  const auto a = written(model, 0, 40);
  const auto b = written(model, 0, 40);
  model.deliver(slot_model::unordered, b.data(), b.size());
  model.deliver(slot_model::unordered, a.data(), a.size());
  CHECK(model.violation_count() == 0);
}

TEST_CASE("the model reports reads that got messages against their issue order") {
  slot_model model(1);
  const auto a = written(model, 0, 40);
  const auto b = written(model, 0, 40);
  SECTION("a later read got an earlier message") {
    model.deliver_at(7, b.data(), b.size());
    model.deliver_at(9, a.data(), a.size());
    CHECK(mentions(model,
                   "the read issued 9th got writer 0's message 0, the earlier one issued 7th"));
  }
  SECTION("an earlier read got a later message") {
    model.deliver_at(9, a.data(), a.size());
    model.deliver_at(7, b.data(), b.size());
    CHECK(
        mentions(model, "the read issued 7th got writer 0's message 1, the later one issued 9th"));
  }
}

TEST_CASE("the model reports more delivered than was written and queued") {
  slot_model model(1);
  const auto a = written(model, 0, 40);
  model.deliver(0, a.data(), a.size());
  model.check_counts(1, "at a checkpoint");  // (1 written, 1 delivered, 1 queued)
  CHECK(mentions(model, "at a checkpoint: 1 written, 1 delivered, 1 queued"));
}

TEST_CASE("the model reports a message delivered though its write failed") {
  SECTION("delivered, then the write fails") {
    slot_model model(1);
    const std::uint32_t number = model.begin_write(0, 40);
    const auto a = make_message(0, number, 40);
    model.deliver(0, a.data(), a.size());
    model.end_write(0, number, 40, false);
    CHECK(mentions(model, "delivered though its write failed"));
  }
  SECTION("the write fails, then it is delivered") {
    slot_model model(1);
    const std::uint32_t number = model.begin_write(0, 40);
    model.end_write(0, number, 40, false);
    const auto a = make_message(0, number, 40);
    model.deliver(0, a.data(), a.size());
    CHECK(mentions(model, "delivered though its write failed"));
  }
  SECTION("a failed write is not missed") {
    slot_model model(1);
    const std::uint32_t number = model.begin_write(0, 40);
    model.end_write(0, number, 40, false);
    model.check_counts(0, "at the end");
    model.check_all_delivered();
    CHECK(model.violation_count() == 0);
  }
}

TEST_CASE("the model reports a message lost, changed, cut short or never written") {
  SECTION("lost") {
    slot_model model(1);
    (void)written(model, 0, 40);
    model.check_counts(0, "at the end");
    model.check_all_delivered();
    CHECK(mentions(model, "1 written, 0 delivered, 0 queued"));
    CHECK(mentions(model, "never delivered, first writer 0's message 0 (40 bytes)"));
  }
  SECTION("changed") {
    slot_model model(1);
    auto a = written(model, 0, 40);
    a[30] ^= 1U;
    model.deliver(0, a.data(), a.size());
    CHECK(mentions(model, "with byte 30 changed"));
  }
  SECTION("cut short") {
    slot_model model(1);
    const auto a = written(model, 0, 40);
    model.deliver(0, a.data(), 39);
    CHECK(mentions(model, "arrived with 39 bytes, not 40"));
  }
  SECTION("never written") {
    slot_model model(1);
    const auto a = make_message(0, 5, 40);
    model.deliver(0, a.data(), a.size());
    CHECK(mentions(model, "never written"));
  }
  SECTION("an empty message too many") {
    slot_model model(1);
    model.deliver(0, nullptr, 0);
    CHECK(mentions(model, "more empty messages delivered"));
  }
}

TEST_CASE("the model lets one message go per handler dropped with its context") {
  slot_model model(1);
  (void)written(model, 0, 40);
  (void)written(model, 0, 40);
  model.dropped_handler();
  model.check_counts(0, "at the end");
  CHECK(model.violation_count() == 1);  // two missing, one allowed
}

TEST_CASE("a sequence prints as one line that parses back") {
  const auto steps = mailslot_model::generate(mailslot_model::reader_kind::asio, 42);
  const std::string text = mailslot_model::to_text(steps);
  mailslot_model::sequence back;
  REQUIRE(mailslot_model::parse(text, back));
  CHECK(mailslot_model::to_text(back) == text);
  CHECK(!mailslot_model::parse("asio nt max0 ctx0 w1: no_such_step 1 2 3", back));
  CHECK(!mailslot_model::parse("nothing at all", back));
  // What would index out of range, or not be a number: refused.
  CHECK(!mailslot_model::parse("asio nt max0 ctx0 w1: write -1 2 3", back));
  CHECK(!mailslot_model::parse("asio nt max0 ctx0 w1: write 1 2 x", back));
  CHECK(!mailslot_model::parse("asio nt max0 ctx0 w1: write 1 2 3 4", back));
  CHECK(!mailslot_model::parse("asio nt max0 ctx0 w1: write 1 2 99999999999", back));
  CHECK(!mailslot_model::parse("asio nt max9 ctx0 w1: write 1 2 3", back));
  CHECK(!mailslot_model::parse("asio nt max0 ctx-1 w1: write 1 2 3", back));
  CHECK(!mailslot_model::parse("asio nt max0 ctx0 w0: write 1 2 3", back));
  CHECK(!mailslot_model::parse("asio nt maxx ctx0 w1: write 1 2 3", back));
  CHECK(mailslot_model::parse("asio nt max3 ctx2 w3: write 1 2 3", back));
}
