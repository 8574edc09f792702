// A module whose function `big(n: i32) -> i64` has a large native frame in any tier: it loads
// `locals` i64 values from memory into locals, recurses (n > 0), then sums them. The values
// are live across the call and may have changed in memory meanwhile, so a compiler must keep
// them in the frame (`locals` x 8 bytes at least); the interpreter's frame has one slot each.
// With `call_first`, big first calls the import "env" "first" (() -> ()), before touching
// anything else of its frame: the call's return address is the frame's lowest word.
#pragma once

#include <cstdint>
#include <vector>

namespace ironclad::testing {

inline void put_leb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(v ? byte | 0x80 : byte);
  } while (v);
}

inline std::vector<uint8_t> big_frame_module(uint32_t locals, bool call_first = false) {
  const uint8_t big_index = call_first ? 1 : 0;  // the import comes first
  std::vector<uint8_t> body;
  put_leb(body, 1);  // one run of locals
  put_leb(body, locals);
  body.push_back(0x7e);  // i64
  if (call_first) body.insert(body.end(), {0x10, 0x00});  // call the import
  for (uint32_t i = 0; i < locals; ++i) {
    body.insert(body.end(), {0x41, 0x00});  // i32.const 0
    body.push_back(0x29);                   // i64.load align=3 offset=8*i
    body.push_back(0x03);
    put_leb(body, uint64_t{8} * i);
    body.push_back(0x21);  // local.set 1+i
    put_leb(body, 1 + i);
  }
  // if (n) { big(n - 1) } else { 0 } ; then + every local
  body.insert(body.end(), {0x20, 0x00, 0x04, 0x7e,               // local.get 0, if (result i64)
                           0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, big_index,  // big(n - 1)
                           0x05, 0x42, 0x00, 0x0b});             // else i64.const 0, end
  for (uint32_t i = 0; i < locals; ++i) {
    body.push_back(0x20);  // local.get 1+i
    put_leb(body, 1 + i);
    body.push_back(0x7c);  // i64.add
  }
  body.push_back(0x0b);  // end

  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto section = [&](uint8_t id, const std::vector<uint8_t>& content) {
    m.push_back(id);
    put_leb(m, content.size());
    m.insert(m.end(), content.begin(), content.end());
  };
  section(1, {0x02, 0x60, 0x01, 0x7f, 0x01, 0x7e,    // type 0: (i32) -> i64
              0x60, 0x00, 0x00});                   // type 1: () -> ()
  if (call_first) section(2, {0x01, 0x03, 'e', 'n', 'v', 0x05, 'f', 'i', 'r', 's', 't', 0x00, 0x01});
  section(3, {0x01, 0x00});                          // big: type 0
  const uint32_t pages = static_cast<uint32_t>((uint64_t{8} * locals + 65535) / 65536);
  std::vector<uint8_t> memory = {0x01, 0x00};  // one memory, min only
  put_leb(memory, pages == 0 ? 1 : pages);
  section(5, memory);
  section(7, {0x01, 0x03, 'b', 'i', 'g', 0x00, big_index});  // export "big"
  std::vector<uint8_t> code;
  put_leb(code, 1);
  put_leb(code, body.size());
  code.insert(code.end(), body.begin(), body.end());
  section(10, code);
  return m;
}

}  // namespace ironclad::testing
