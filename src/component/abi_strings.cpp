// Strings across the canonical ABI: UTF-8, UTF-16 and latin1+UTF-16 in linear memory, UTF-8
// in ComponentValue. Lifting validates (invalid UTF-8, unpaired surrogates trap); lowering
// transcodes with the spec's allocation sequence for each pair of encodings (allocate the
// source's code units, grow to the worst case at the first character that needs it, shrink
// to fit), so a component observes the same realloc calls as under the reference.
#include <cstdio>
#include <cstring>

#include "component/abi.h"

namespace ironclad::component {

namespace {

constexpr uint32_t kMaxStringBytes = (uint32_t{1} << 28) - 1;
constexpr uint32_t kUtf16Tag = uint32_t{1} << 31;

enum : uint8_t { kSourceUtf8 = 0, kSourceUtf16 = 1, kSourceLatin1Utf16 = 2 };

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Decodes one UTF-8 sequence at s[i]; 0 when invalid, -1 when it runs past the end.
int utf8_sequence(std::string_view s, size_t i, uint32_t& cp) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  int n;
  uint32_t min;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  for (int k = 1; k < n; ++k) {
    if (i + k >= s.size()) return -1;
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

std::vector<uint32_t> code_points(std::string_view utf8) {
  std::vector<uint32_t> out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    uint32_t cp = 0;
    int n = utf8_sequence(utf8, i, cp);
    if (n <= 0) break;  // validated before
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::vector<uint16_t> utf16_of(const std::vector<uint32_t>& cps) {
  std::vector<uint16_t> out;
  out.reserve(cps.size());
  for (uint32_t cp : cps) {
    if (cp < 0x10000) {
      out.push_back(static_cast<uint16_t>(cp));
    } else {
      cp -= 0x10000;
      out.push_back(static_cast<uint16_t>(0xd800 | (cp >> 10)));
      out.push_back(static_cast<uint16_t>(0xdc00 | (cp & 0x3ff)));
    }
  }
  return out;
}

uint8_t* memory_at(AbiContext& cx, uint64_t ptr, uint64_t size) {
  runtime::Memory* m = cx.opts->memory;
  if (!m || ptr > m->size_bytes || size > m->size_bytes - ptr) return nullptr;
  return m->base + ptr;
}

void write_utf16(uint8_t* p, const std::vector<uint16_t>& units, size_t from = 0) {
  for (size_t i = from; i < units.size(); ++i) {
    p[2 * i] = static_cast<uint8_t>(units[i]);
    p[2 * i + 1] = static_cast<uint8_t>(units[i] >> 8);
  }
}

using Range = std::pair<uint32_t, uint32_t>;

Result<Range> store_copy_utf8(AbiContext& cx, const std::string& text) {
  uint32_t n = static_cast<uint32_t>(text.size());
  IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 1, n, "string"));
  if (n) std::memcpy(memory_at(cx, ptr, n), text.data(), n);
  return Range{ptr, n};
}

// The spec's store_string_to_utf8: allocate the source's code units, grow to the worst case
// at the first non-ASCII character, shrink to the encoded size.
Result<Range> store_to_utf8(AbiContext& cx, const std::string& text,
                            const std::vector<uint32_t>& cps, uint32_t src_units, uint32_t worst) {
  IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 1, src_units, "string"));
  for (size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] < 0x80) {
      *memory_at(cx, ptr + i, 1) = static_cast<uint8_t>(cps[i]);
      continue;
    }
    IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, src_units, 1, worst, "string"));
    uint32_t len = static_cast<uint32_t>(text.size());
    std::memcpy(memory_at(cx, ptr + i, len - i), text.data() + i, len - i);
    if (worst > len) {
      IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, worst, 1, len, "string"));
    }
    return Range{ptr, len};
  }
  return Range{ptr, src_units};
}

Result<Range> store_utf8_to_utf16(AbiContext& cx, const std::vector<uint32_t>& cps,
                                  uint32_t src_units) {
  uint32_t worst = 2 * src_units;
  IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 2, worst, "string"));
  std::vector<uint16_t> units = utf16_of(cps);
  uint32_t len = static_cast<uint32_t>(units.size() * 2);
  write_utf16(memory_at(cx, ptr, len), units);
  if (len < worst) {
    IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, worst, 2, len, "string"));
  }
  return Range{ptr, len / 2};
}

Result<Range> store_copy_utf16(AbiContext& cx, const std::vector<uint32_t>& cps,
                               uint32_t dst_units) {
  std::vector<uint16_t> units = utf16_of(cps);
  IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 2, dst_units * 2, "string"));
  write_utf16(memory_at(cx, ptr, units.size() * 2), units);
  return Range{ptr, static_cast<uint32_t>(units.size())};
}

Result<Range> store_to_latin1_or_utf16(AbiContext& cx, const std::vector<uint32_t>& cps,
                                       uint32_t src_units) {
  IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 2, src_units, "string"));
  uint32_t latin1 = 0;
  for (uint32_t cp : cps) {
    if (cp < 256) {
      *memory_at(cx, ptr + latin1, 1) = static_cast<uint8_t>(cp);
      ++latin1;
      continue;
    }
    uint32_t worst = 2 * src_units;
    IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, src_units, 2, worst, "string"));
    uint8_t* p = memory_at(cx, ptr, worst);
    for (uint32_t j = latin1; j-- > 0;) {
      p[2 * j] = p[j];
      p[2 * j + 1] = 0;
    }
    std::vector<uint16_t> units = utf16_of(cps);
    uint32_t len = static_cast<uint32_t>(units.size() * 2);
    write_utf16(p, units, latin1);
    if (worst > len) {
      IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, worst, 2, len, "string"));
    }
    return Range{ptr, (len / 2) | kUtf16Tag};
  }
  if (latin1 < src_units) {
    IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, src_units, 2, latin1, "string"));
  }
  return Range{ptr, latin1};
}

Result<Range> store_probably_utf16(AbiContext& cx, const std::vector<uint32_t>& cps,
                                   uint32_t src_units) {
  uint32_t src_bytes = 2 * src_units;
  IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 2, src_bytes, "string"));
  std::vector<uint16_t> units = utf16_of(cps);
  uint8_t* p = memory_at(cx, ptr, units.size() * 2);
  write_utf16(p, units);
  bool wide = false;
  for (uint32_t cp : cps) wide |= cp >= 256;
  if (wide) return Range{ptr, static_cast<uint32_t>(units.size()) | kUtf16Tag};
  uint32_t latin1 = static_cast<uint32_t>(units.size());
  for (uint32_t i = 0; i < latin1; ++i) p[i] = p[2 * i];
  IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, ptr, src_bytes, 1, latin1, "string"));
  return Range{ptr, latin1};
}

}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    int n = utf8_sequence(s, i, cp);
    if (n <= 0) return false;
    i += n;
  }
  return true;
}

Result<ComponentValue> load_string_from_range(AbiContext& cx, uint32_t ptr, uint32_t tagged_units) {
  StringEncoding enc = cx.opts->encoding;
  uint32_t align = 1;
  uint64_t bytes = tagged_units;
  bool utf16 = false;
  if (enc == StringEncoding::Utf16) {
    align = 2;
    bytes = uint64_t{tagged_units} * 2;
    utf16 = true;
  } else if (enc == StringEncoding::Latin1Utf16) {
    align = 2;
    if (tagged_units & kUtf16Tag) {
      bytes = uint64_t{tagged_units ^ kUtf16Tag} * 2;
      utf16 = true;
    }
  }
  if (bytes > kMaxStringBytes)
    return abi_trap("string content out-of-bounds: " + std::to_string(bytes) +
                    " bytes is longer than the 2^28 - 1 a string may have");
  if (ptr % align != 0)
    return abi_trap("unaligned pointer: a " + std::string(to_string(enc)) + " string at " +
                    hex(ptr));
  const uint8_t* p = memory_at(cx, ptr, bytes);
  if (!p) {
    return abi_trap("string pointer/length out of bounds of memory: " + hex(ptr) + " + " +
                    std::to_string(bytes) + " bytes, memory is " +
                    std::to_string(cx.opts->memory ? cx.opts->memory->size_bytes : 0) + " bytes");
  }
  ComponentValue v;
  v.kind = ComponentValueKind::String;
  v.source_encoding = enc == StringEncoding::Utf8    ? kSourceUtf8
                      : enc == StringEncoding::Utf16 ? kSourceUtf16
                                                     : kSourceLatin1Utf16;
  v.source_units = tagged_units;
  if (!utf16 && enc == StringEncoding::Utf8) {
    std::string_view s(reinterpret_cast<const char*>(p), bytes);
    for (size_t i = 0; i < s.size();) {
      uint32_t cp;
      int n = utf8_sequence(s, i, cp);
      if (n == 0)
        return abi_trap("invalid utf-8 at byte " + std::to_string(i) + " of the string at " +
                        hex(ptr));
      if (n < 0)
        return abi_trap(
            "invalid utf-8: incomplete utf-8 byte sequence at the end of the string at " +
            hex(ptr));
      i += n;
    }
    v.text.assign(s);
    return v;
  }
  if (!utf16) {  // latin1
    v.text.reserve(bytes);
    for (uint64_t i = 0; i < bytes; ++i) append_utf8(v.text, p[i]);
    return v;
  }
  v.text.reserve(bytes);
  for (uint64_t i = 0; i < bytes; i += 2) {
    uint32_t u = p[i] | (uint32_t{p[i + 1]} << 8);
    if (u >= 0xd800 && u <= 0xdbff && i + 3 < bytes) {
      uint32_t lo = p[i + 2] | (uint32_t{p[i + 3]} << 8);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        append_utf8(v.text, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xd800 && u <= 0xdfff) {
      return abi_trap("invalid utf-16: unpaired surrogate " + hex(u) + " at code unit " +
                      std::to_string(i / 2) + " of the string at " + hex(ptr));
    }
    append_utf8(v.text, u);
  }
  return v;
}

Result<Range> store_string_into_range(AbiContext& cx, const ComponentValue& v) {
  if (v.text.size() > kMaxStringBytes) {
    return Error::make(ErrorKind::Usage, "string of " + std::to_string(v.text.size()) +
                                             " bytes is too long to lower");
  }
  std::vector<uint32_t> cps = code_points(v.text);
  uint32_t utf8_len = static_cast<uint32_t>(v.text.size());
  // The encoding the string had where it was lifted, when its text still agrees with it.
  uint8_t src = kSourceUtf8;
  uint32_t src_units = utf8_len;
  if (v.source_encoding == kSourceUtf16) {
    uint32_t n = 0;
    for (uint32_t cp : cps) n += cp >= 0x10000 ? 2 : 1;
    if (n == v.source_units) {
      src = kSourceUtf16;
      src_units = n;
    }
  } else if (v.source_encoding == kSourceLatin1Utf16) {
    if (v.source_units & kUtf16Tag) {
      uint32_t n = 0;
      for (uint32_t cp : cps) n += cp >= 0x10000 ? 2 : 1;
      if (n == (v.source_units ^ kUtf16Tag)) {
        src = kSourceLatin1Utf16;
        src_units = v.source_units;
      }
    } else {
      bool narrow = true;
      for (uint32_t cp : cps) narrow &= cp < 256;
      if (narrow && cps.size() == v.source_units) {
        src = kSourceLatin1Utf16;
        src_units = v.source_units;
      }
    }
  }
  bool src_is_utf16 = src == kSourceUtf16 || (src == kSourceLatin1Utf16 && (src_units & kUtf16Tag));
  uint32_t plain_units = src == kSourceLatin1Utf16 ? (src_units & ~kUtf16Tag) : src_units;
  switch (cx.opts->encoding) {
    case StringEncoding::Utf8:
      if (src == kSourceUtf8) return store_copy_utf8(cx, v.text);
      if (src_is_utf16) return store_to_utf8(cx, v.text, cps, plain_units, plain_units * 3);
      return store_to_utf8(cx, v.text, cps, plain_units, plain_units * 2);  // latin1
    case StringEncoding::Utf16:
      if (src == kSourceUtf8) return store_utf8_to_utf16(cx, cps, plain_units);
      return store_copy_utf16(cx, cps, plain_units);  // utf16 or latin1: one unit per unit
    case StringEncoding::Latin1Utf16:
      if (src != kSourceLatin1Utf16) return store_to_latin1_or_utf16(cx, cps, plain_units);
      if (!src_is_utf16) {
        // latin1 to latin1: copy, aligned to 2.
        IRONCLAD_TRY_ASSIGN(uint32_t ptr, reallocate(cx, 0, 0, 2, plain_units, "string"));
        uint8_t* p = memory_at(cx, ptr, plain_units);
        for (uint32_t i = 0; i < plain_units; ++i) p[i] = static_cast<uint8_t>(cps[i]);
        return Range{ptr, plain_units};
      }
      return store_probably_utf16(cx, cps, plain_units);
  }
  return Error::make(ErrorKind::Internal, "canonical ABI: unknown string encoding");
}

}  // namespace ironclad::component
