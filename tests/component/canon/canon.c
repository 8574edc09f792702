// The guest of tests/component/canon: a core module made into a component of world
// `ironclad:canon/canon` (canon.wit) by `jco embed` + `jco new`, built once per string
// encoding (ENC: 0 utf8, 1 utf16, 2 latin1+utf16; `jco embed --string-encoding` says the
// same). The canonical ABI glue is written by hand (no bindings generator is installed):
// flat parameters up to 16, one flat result, else through memory, as CanonicalABI.md says.
//
// Most exports hand their arguments to the matching host import unchanged (flat slots or
// the pointer to them) and return what the host answered, so every value crosses four
// times: lowered in, lifted out to the host, lowered back, lifted out. A few compute in the
// guest (strings, bytes, float bits, resources) so that the guest's view of each layout is
// checked too. The bad-* exports hand back data the canonical ABI must refuse.
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("ironclad:canon/host"), import_name(name)))
#define API(name) __attribute__((export_name("ironclad:canon/api#" name)))
#define POST(name) __attribute__((export_name("cabi_post_ironclad:canon/api#" name)))
#define OWN(name) __attribute__((import_module("[export]ironclad:canon/api"), import_name(name)))

#ifndef ENC
#define ENC 0
#endif
#define UTF16_TAG 0x80000000u

// Memory: a bump allocator over a static arena. Everything allocated during a call is dead
// once the call's results are lifted, so each post-return empties the arena.
static _Alignas(16) unsigned char arena[4 << 20];
static uint32_t arena_used;

static void* alloc(uint32_t align, uint32_t size) {
  uint32_t at = (arena_used + align - 1) & ~(align - 1);
  if (at + size > sizeof arena) __builtin_trap();
  arena_used = at + size;
  return arena + at;
}

static void copy(void* to, const void* from, uint32_t n) {
  unsigned char* t = to;
  const unsigned char* f = from;
  while (n--) *t++ = *f++;
}

__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old, uint32_t old_size,
                                                                uint32_t align, uint32_t new_size) {
  unsigned char* o = old;
  if (o && o + old_size == arena + arena_used && new_size <= old_size) {
    arena_used -= old_size - new_size;  // shrink the newest block in place
    return old;
  }
  void* p = alloc(align, new_size);
  if (o) copy(p, o, old_size < new_size ? old_size : new_size);
  return p;
}

static void reset(void) {
  arena_used = 0;
}

typedef struct {
  uint32_t ptr, len;
} str_t;  // also list<T>: pointer and element count

// ---- scalars: passed through (12 flat parameters; the tuple result through memory)
IMPORT("h-scalars")
void h_scalars(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t,
               float, double, int32_t, void* ret);

static _Alignas(8) unsigned char scalars_ret[56];

API("scalars")
void* scalars(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g,
              int64_t h, int64_t i, float j, double k, int32_t l) {
  h_scalars(a, b, c, d, e, f, g, h, i, j, k, l, scalars_ret);
  return scalars_ret;
}

// ---- floats as the guest sees them, and NaNs made from bits
API("f32-bits") uint32_t f32_bits(float x) {
  return __builtin_bit_cast(uint32_t, x);
}
API("f64-bits") uint64_t f64_bits(double x) {
  return __builtin_bit_cast(uint64_t, x);
}
API("f32-from-bits") float f32_from_bits(uint32_t b) {
  return __builtin_bit_cast(float, b);
}
API("f64-from-bits") double f64_from_bits(uint64_t b) {
  return __builtin_bit_cast(double, b);
}

// ---- strings: the host's answer, "|", then the argument, in the component's encoding
IMPORT("h-str") void h_str(uint32_t ptr, uint32_t len, str_t* ret);

static str_t ret_str;

#if ENC == 2
// latin1+utf16: the argument and the answer may each be either; mixed, both go to utf16.
static uint32_t units(str_t s) {
  return s.len & ~UTF16_TAG;
}
static void append_as_utf16(uint16_t* to, str_t s) {
  if (s.len & UTF16_TAG) {
    copy(to, (void*)s.ptr, units(s) * 2);
  } else {
    const unsigned char* p = (const unsigned char*)s.ptr;
    for (uint32_t i = 0; i < s.len; i++) to[i] = p[i];
  }
}
#endif

static str_t concat3(str_t a, uint32_t bar, str_t b) {
  str_t r;
#if ENC == 0
  unsigned char* p = alloc(1, a.len + 1 + b.len);
  copy(p, (void*)a.ptr, a.len);
  p[a.len] = (unsigned char)bar;
  copy(p + a.len + 1, (void*)b.ptr, b.len);
  r.ptr = (uint32_t)p;
  r.len = a.len + 1 + b.len;
#elif ENC == 1
  uint16_t* p = alloc(2, (a.len + 1 + b.len) * 2);
  copy(p, (void*)a.ptr, a.len * 2);
  p[a.len] = (uint16_t)bar;
  copy(p + a.len + 1, (void*)b.ptr, b.len * 2);
  r.ptr = (uint32_t)p;
  r.len = a.len + 1 + b.len;
#else
  if (!(a.len & UTF16_TAG) && !(b.len & UTF16_TAG)) {
    unsigned char* p = alloc(2, a.len + 1 + b.len);  // latin1 too is 2-aligned here
    copy(p, (void*)a.ptr, a.len);
    p[a.len] = (unsigned char)bar;
    copy(p + a.len + 1, (void*)b.ptr, b.len);
    r.ptr = (uint32_t)p;
    r.len = a.len + 1 + b.len;
  } else {
    uint16_t* p = alloc(2, (units(a) + 1 + units(b)) * 2);
    append_as_utf16(p, a);
    p[units(a)] = (uint16_t)bar;
    append_as_utf16(p + units(a) + 1, b);
    r.ptr = (uint32_t)p;
    r.len = (units(a) + 1 + units(b)) | UTF16_TAG;
  }
#endif
  return r;
}

API("str") str_t* str(uint32_t ptr, uint32_t len) {
  str_t answer;
  h_str(ptr, len, &answer);
  ret_str = concat3(answer, '|', (str_t){ptr, len});
  return &ret_str;
}
POST("str") void str_post(str_t* r) {
  (void)r;
  reset();
}

// The length word exactly as lowered: code units, with the utf16 tag in latin1+utf16.
API("str-units") uint32_t str_units(uint32_t ptr, uint32_t len) {
  (void)ptr;
  reset();  // nothing of the argument is needed past this point
  return len;
}

// ---- list<u8>: the host's answer plus one byte, the argument's length
IMPORT("h-bytes") void h_bytes(uint32_t ptr, uint32_t len, str_t* ret);
static str_t ret_bytes;
API("bytes") str_t* bytes(uint32_t ptr, uint32_t len) {
  str_t answer;
  h_bytes(ptr, len, &answer);
  unsigned char* p = alloc(1, answer.len + 1);
  copy(p, (void*)answer.ptr, answer.len);
  p[answer.len] = (unsigned char)len;
  ret_bytes = (str_t){(uint32_t)p, answer.len + 1};
  return &ret_bytes;
}
POST("bytes") void bytes_post(str_t* r) {
  (void)r;
  reset();
}

// ---- list<point>, shape, color, perms, options, results, bag: passed through
IMPORT("h-points") void h_points(uint32_t ptr, uint32_t len, str_t* ret);
API("points") str_t* points(uint32_t ptr, uint32_t len) {
  h_points(ptr, len, &ret_bytes);
  return &ret_bytes;
}
POST("points") void points_post(str_t* r) {
  (void)r;
  reset();
}

static _Alignas(8) unsigned char ret_area[64];

IMPORT("h-shape") void h_shape(int32_t, int32_t, int64_t, int32_t, int32_t, void* ret);
API("e-shape") void* shape(int32_t d, int32_t a, int64_t b, int32_t c, int32_t e) {
  h_shape(d, a, b, c, e, ret_area);
  return ret_area;
}
POST("e-shape") void shape_post(void* r) {
  (void)r;
  reset();
}

IMPORT("h-color") int32_t h_color(int32_t);
API("e-color") int32_t color(int32_t c) {
  return h_color(c);
}
IMPORT("h-perms") int32_t h_perms(int32_t);
API("e-perms") int32_t perms(int32_t p) {
  return h_perms(p);
}

IMPORT("h-opt") void h_opt(int32_t, int32_t, int32_t, int32_t, void* ret);
API("opt") void* opt(int32_t a, int32_t b, int32_t c, int32_t d) {
  h_opt(a, b, c, d, ret_area);
  return ret_area;
}
POST("opt") void opt_post(void* r) {
  (void)r;
  reset();
}

IMPORT("h-res") void h_res(int32_t, int32_t, int32_t, void* ret);
API("res") void* res(int32_t a, int32_t b, int32_t c) {
  h_res(a, b, c, ret_area);
  return ret_area;
}
POST("res") void res_post(void* r) {
  (void)r;
  reset();
}

// bag flattens to 20 slots: the argument arrives by pointer and goes on by pointer.
IMPORT("h-bag") void h_bag(void* arg, void* ret);
static _Alignas(8) unsigned char ret_bag[128];
API("e-bag") void* bag(void* b) {
  h_bag(b, ret_bag);
  return ret_bag;
}
POST("e-bag") void bag_post(void* r) {
  (void)r;
  reset();
}

// ---- the guest's resource: counter (the representation is an index into `counters`)
OWN("[resource-new]counter") int32_t counter_new(int32_t rep);
OWN("[resource-rep]counter") int32_t counter_rep(int32_t handle);
OWN("[resource-drop]counter") void counter_drop(int32_t handle);

static int32_t counters[1024];
static uint32_t counters_made, counters_dropped;

API("[constructor]counter") int32_t counter_ctor(int32_t start) {
  uint32_t rep = counters_made++ % 1024;
  counters[rep] = start;
  return counter_new((int32_t)rep + 1);  // rep 0 is fine too; +1 shows it is ours
}
API("[method]counter.add") int32_t counter_add(int32_t rep, int32_t n) {
  return counters[rep - 1] += n;
}
API("counter-get") int32_t counter_get(int32_t rep) {
  return counters[rep - 1];
}
API("counter-take") int32_t counter_take(int32_t handle) {
  int32_t value = counters[counter_rep(handle) - 1];
  counter_drop(handle);  // runs the destructor below
  return value;
}
API("[dtor]counter") void counter_dtor(int32_t rep) {
  counters[rep - 1] = 0;
  counters_dropped++;
}
API("counters-dropped") uint32_t counters_dropped_count(void) {
  return counters_dropped;
}

// ---- the host's resource: blob
IMPORT("[constructor]blob") int32_t blob_new(uint32_t ptr, uint32_t len);
IMPORT("[method]blob.size") uint32_t blob_size(int32_t self);
IMPORT("[method]blob.read") void blob_read(int32_t self, str_t* ret);
IMPORT("[resource-drop]blob") void blob_drop(int32_t handle);
IMPORT("h-blob-sum") uint32_t h_blob_sum(int32_t borrowed);
IMPORT("h-blob-drops") uint32_t h_blob_drops(void);
IMPORT("h-lend-then-take") void h_lend_then_take(int32_t borrowed, int32_t owned);

static struct {
  uint32_t size, sum;
  str_t data;
  uint32_t drops;
} blob_ret;

API("blob-make") void* blob_make(uint32_t ptr, uint32_t len) {
  int32_t b = blob_new(ptr, len);
  blob_ret.size = blob_size(b);
  blob_ret.sum = h_blob_sum(b);
  blob_read(b, &blob_ret.data);
  blob_drop(b);
  blob_ret.drops = h_blob_drops();
  return &blob_ret;
}
POST("blob-make") void blob_make_post(void* r) {
  (void)r;
  reset();
}

API("blob-take") uint32_t blob_take(int32_t owned) {
  uint32_t size = blob_size(owned);
  blob_drop(owned);
  return size;
}
API("blob-peek") uint32_t blob_peek(int32_t borrowed) {
  uint32_t size = blob_size(borrowed);
  blob_drop(borrowed);  // a borrow must be given back before the call returns
  return size;
}

// ---- bad guest data
API("bad-string") str_t* bad_string(uint32_t which) {
  __attribute__((unused)) static const unsigned char bad_utf8[] = {'o', 'k', 0xc3, 0x28};
  __attribute__((unused)) static const uint16_t lone_surrogate[] = {'o', 'k', 0xd800, 'x'};
  switch (which) {
    case 0:  // past the end of memory
      ret_str = (str_t){0xfffffff0u, 32};
      break;
    case 1:  // invalid data in this encoding
#if ENC == 0
      ret_str = (str_t){(uint32_t)bad_utf8, sizeof bad_utf8};
#elif ENC == 1
      ret_str = (str_t){(uint32_t)lone_surrogate, 4};
#else
      ret_str = (str_t){(uint32_t)lone_surrogate, 4 | UTF16_TAG};
#endif
      break;
    default:  // a utf16 string at an odd address (utf8 has no alignment to break)
#if ENC == 0
      ret_str = (str_t){(uint32_t)bad_utf8 + 1, 0x7fffffff};
#elif ENC == 1
      ret_str = (str_t){(uint32_t)lone_surrogate + 1, 1};
#else
      ret_str = (str_t){(uint32_t)lone_surrogate + 1, 1 | UTF16_TAG};
#endif
      break;
  }
  return &ret_str;
}

API("bad-char") uint32_t bad_char(uint32_t which) {
  return which ? 0x110000 : 0xd800;
}

API("bad-shape") void* bad_shape(void) {
  ret_area[0] = 4;  // shape has 4 cases
  return ret_area;
}
API("bad-color") int32_t bad_color(void) {
  return 8;
}  // 8 cases
API("bad-opt") void* bad_opt(void) {
  ret_area[0] = 1;
  ret_area[4] = 2;  // the inner option's discriminant
  return ret_area;
}
API("bad-res") void* bad_res(void) {
  ret_area[0] = 2;
  return ret_area;
}
API("bad-points") str_t* bad_points(uint32_t which) {
  static _Alignas(8) unsigned char room[64];
  if (which == 0)
    ret_bytes = (str_t){(uint32_t)room + 4, 1};  // point is 8-aligned
  else if (which == 1)
    ret_bytes = (str_t){(uint32_t)room, 0x10000000};  // 24 * 2^28 bytes: past any memory
  else
    ret_bytes = (str_t){0xfffffff8u, 1};  // one element past the end of memory
  return &ret_bytes;
}
API("bad-counter") int32_t bad_counter(void) {
  return 99;
}  // no such handle

API("bad-blob") uint32_t bad_blob(uint32_t which) {
  static const unsigned char data[] = {1, 2, 3};
  int32_t b;
  switch (which) {
    case 0:
      blob_drop(42);  // never made
      return 0;
    case 1:
      b = blob_new((uint32_t)data, 3);
      blob_drop(b);
      blob_drop(b);  // dropped twice
      return 0;
    case 2:
      b = blob_new((uint32_t)data, 3);
      blob_drop(b);
      return blob_size(b);  // used after the drop
    case 3:
      b = blob_new((uint32_t)data, 3);
      h_lend_then_take(b, b);  // lent for the call, then moved in the same call
      return 0;
    default:  // a counter handle used as a blob: the wrong type
      b = counter_new(1);
      return blob_size(b);
  }
}
API("blob-keep") uint32_t blob_keep(int32_t borrowed) {
  return blob_size(borrowed);  // the borrow is never given back
}

// Bad data in an import's arguments, and a bad pointer for an import's result.
API("bad-import") uint32_t bad_import(uint32_t which) {
  __attribute__((unused)) static const unsigned char bad_utf8[] = {0xff, 0xfe};
  str_t answer;
  switch (which) {
    case 0:
      h_str(0xfffffff0u, 32, &answer);
      break;
#if ENC == 0
    case 1:
      h_str((uint32_t)bad_utf8, 2, &answer);
      break;
#endif
    case 2:
      h_str((uint32_t) "ok", 1, (str_t*)((uint32_t)&answer + 1));  // result area misaligned
      break;
    default:
      h_color(9);  // no such case of color
      break;
  }
  return answer.len;
}
