// Canonical definitions: lift, lower and the resource built-ins, with the canonical ABI's
// typing rules (the flattened core signature, which options a function type requires).
#include <cstdio>

#include "component/parser.h"

namespace ironclad::component {

namespace {

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

const char* async_builtin_name(uint8_t code) {
  switch (code) {
    case 0x05:
      return "task.cancel";
    case 0x06:
      return "subtask.cancel";
    case 0x07:
      return "resource.drop async";
    case 0x08:
      return "backpressure.set";
    case 0x09:
      return "task.return";
    case 0x0a:
      return "context.get";
    case 0x0b:
      return "context.set";
    case 0x0c:
      return "thread.yield";
    case 0x0d:
      return "subtask.drop";
    case 0x0e:
      return "stream.new";
    case 0x0f:
      return "stream.read";
    case 0x10:
      return "stream.write";
    case 0x11:
      return "stream.cancel-read";
    case 0x12:
      return "stream.cancel-write";
    case 0x13:
      return "stream.drop-readable";
    case 0x14:
      return "stream.drop-writable";
    case 0x15:
      return "future.new";
    case 0x16:
      return "future.read";
    case 0x17:
      return "future.write";
    case 0x18:
      return "future.cancel-read";
    case 0x19:
      return "future.cancel-write";
    case 0x1a:
      return "future.drop-readable";
    case 0x1b:
      return "future.drop-writable";
    case 0x1c:
      return "error-context.new";
    case 0x1d:
      return "error-context.debug-message";
    case 0x1e:
      return "error-context.drop";
    case 0x1f:
      return "waitable-set.new";
    case 0x20:
      return "waitable-set.wait";
    case 0x21:
      return "waitable-set.poll";
    case 0x22:
      return "waitable-set.drop";
    case 0x23:
      return "waitable.join";
    case 0x24:
      return "backpressure.inc";
    case 0x25:
      return "backpressure.dec";
  }
  if (code >= 0x26 && code <= 0x2d) return "thread built-ins";
  if (code >= 0x40 && code <= 0x42) return "shared-everything threads";
  return nullptr;
}

}  // namespace

wasm::FuncType flat_signature(const FuncType& f, bool lift) {
  using CV = ironclad::ValType;
  wasm::FuncType t;
  if (f.params_overflow) {
    t.params = {CV::I32};
  } else {
    t.params = f.flat_params;
  }
  if (f.result) {
    if (f.result_overflow) {
      if (lift) {
        t.results = {CV::I32};
      } else {
        t.params.push_back(CV::I32);
      }
    } else {
      t.results = f.result->flat;
    }
  }
  return t;
}

bool needs_memory(const ValType* t) {
  return t && t->has_memory;
}

Result<CanonOptions> Parser::read_canon_options(R& r) {
  CanonOptions o;
  auto n = r.length();
  if (!n.ok()) return wrap(std::move(n).error());
  bool encoding_set = false;
  for (uint32_t i = 0; i < *n; ++i) {
    auto code = r.u8();
    if (!code.ok()) return wrap(std::move(code).error());
    switch (*code) {
      case 0x00:
      case 0x01:
      case 0x02:
        if (encoding_set) return invalid("canonical options give the string encoding twice");
        encoding_set = true;
        o.encoding = static_cast<StringEncoding>(*code);
        break;
      case 0x03: {
        if (o.memory) return invalid("canonical options give the memory twice");
        auto m = r.u32();
        if (!m.ok()) return wrap(std::move(m).error());
        IRONCLAD_TRY(check_index(*m, current_->core.memories.size(), "core memory"));
        o.memory = *m;
        break;
      }
      case 0x04:
      case 0x05: {
        std::optional<uint32_t>& slot = *code == 0x04 ? o.realloc : o.post_return;
        if (slot)
          return invalid(std::string("canonical options give the ") +
                         (*code == 0x04 ? "realloc" : "post-return") + " function twice");
        auto f = r.u32();
        if (!f.ok()) return wrap(std::move(f).error());
        IRONCLAD_TRY(check_index(*f, current_->core.funcs.size(), "core function"));
        slot = *f;
        break;
      }
      case 0x06:
        return invalid("async canonical options are not supported");
      case 0x07:
        return invalid("async callbacks are not supported");
      default:
        return malformed("invalid canonical option " + hex(*code));
    }
  }
  if (o.realloc) {
    using CV = ironclad::ValType;
    const wasm::FuncType& rt = current_->core.funcs[*o.realloc].type;
    if (rt != wasm::FuncType{{CV::I32, CV::I32, CV::I32, CV::I32}, {CV::I32}}) {
      return invalid("realloc function " + std::to_string(*o.realloc) + " has type " +
                     rt.to_string() + ", expected (i32, i32, i32, i32) -> (i32)");
    }
  }
  return o;
}

Result<void> Parser::check_lift_lower_options(const CanonOptions& o, const FuncType& f, bool lift,
                                              const wasm::FuncType& core_type) {
  bool params_memory = f.params_overflow;
  for (const Field& p : f.params) params_memory |= needs_memory(p.type);
  bool results_memory = f.result_overflow || needs_memory(f.result);
  if ((params_memory || results_memory) && !o.memory) {
    return invalid(
        "canonical option `memory` is required: the function passes strings, lists or more values "
        "than fit in registers");
  }
  bool realloc = lift ? params_memory : needs_memory(f.result);
  if (realloc && !o.realloc) {
    return invalid("canonical option `realloc` is required: the function " +
                   std::string(lift ? "receives" : "returns") + " strings or lists");
  }
  if (o.post_return) {
    if (!lift) return invalid("canonical option `post-return` is allowed only on lift");
    wasm::FuncType want;
    want.params = core_type.results;
    const wasm::FuncType& have = current_->core.funcs[*o.post_return].type;
    if (have != want) {
      return invalid("post-return function " + std::to_string(*o.post_return) + " has type " +
                     have.to_string() + ", expected " + want.to_string());
    }
  }
  if (o.memory) {
    const wasm::MemoryType& m = current_->core.memories[*o.memory];
    (void)m;  // 32-bit memories only: the core decoder rejects 64-bit ones.
  }
  return {};
}

Result<void> Parser::canon_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("canon section", "canon", static_cast<uint32_t>(current_->canons.size()), r.offset());
    IRONCLAD_TRY(canon(r));
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<void> Parser::canon(R& r) {
  using CV = ironclad::ValType;
  auto code = r.u8();
  if (!code.ok()) return wrap(std::move(code).error());
  CanonDef def;
  Component& c = *current_;
  switch (*code) {
    case 0x00: {
      auto sort = r.u8();
      if (!sort.ok()) return wrap(std::move(sort).error());
      if (*sort != 0x00) return malformed("canon lift must name a core function");
      auto f = r.u32();
      if (!f.ok()) return wrap(std::move(f).error());
      IRONCLAD_TRY(check_index(*f, c.core.funcs.size(), "core function"));
      IRONCLAD_TRY_ASSIGN(def.options, read_canon_options(r));
      auto type_index = r.u32();
      if (!type_index.ok()) return wrap(std::move(type_index).error());
      IRONCLAD_TRY_ASSIGN(TypeDef d, type_at(scopes_.back(), *type_index));
      if (d.kind != TypeDef::Kind::Func)
        return invalid("lift: type " + std::to_string(*type_index) + " is not a function type");
      def.kind = CanonDef::Kind::Lift;
      def.func = *f;
      def.type = d.func;
      def.core_type = flat_signature(*d.func, true);
      const wasm::FuncType& have = c.core.funcs[*f].type;
      if (have != def.core_type) {
        return invalid("lift: core function " + std::to_string(*f) + " has type " +
                       have.to_string() + ", but " + describe(*d.func) + " lifts from " +
                       def.core_type.to_string());
      }
      IRONCLAD_TRY(check_lift_lower_options(def.options, *d.func, true, def.core_type));
      c.funcs.push_back(d.func);
      break;
    }
    case 0x01: {
      auto sort = r.u8();
      if (!sort.ok()) return wrap(std::move(sort).error());
      if (*sort != 0x00) return malformed("canon lower must name a function");
      auto f = r.u32();
      if (!f.ok()) return wrap(std::move(f).error());
      IRONCLAD_TRY(check_index(*f, c.funcs.size(), "function"));
      IRONCLAD_TRY_ASSIGN(def.options, read_canon_options(r));
      def.kind = CanonDef::Kind::Lower;
      def.func = *f;
      def.type = c.funcs[*f];
      def.core_type = flat_signature(*def.type, false);
      IRONCLAD_TRY(check_lift_lower_options(def.options, *def.type, false, def.core_type));
      c.core.funcs.push_back({def.core_type});
      break;
    }
    case 0x02:
    case 0x03:
    case 0x04: {
      auto type_index = r.u32();
      if (!type_index.ok()) return wrap(std::move(type_index).error());
      IRONCLAD_TRY_ASSIGN(def.resource, resource_at(scopes_.back(), *type_index));
      if (*code != 0x03 && def.resource->owner != current_) {
        return invalid(std::string(*code == 0x02 ? "resource.new" : "resource.rep") + ": type " +
                       std::to_string(*type_index) + " is not a resource this component defines");
      }
      if (*code == 0x02) {
        def.kind = CanonDef::Kind::ResourceNew;
        def.core_type = {{CV::I32}, {CV::I32}};
      } else if (*code == 0x03) {
        def.kind = CanonDef::Kind::ResourceDrop;
        def.core_type = {{CV::I32}, {}};
      } else {
        def.kind = CanonDef::Kind::ResourceRep;
        def.core_type = {{CV::I32}, {CV::I32}};
      }
      c.core.funcs.push_back({def.core_type});
      break;
    }
    default: {
      const char* name = async_builtin_name(*code);
      if (name)
        return invalid(std::string("canonical built-in `") + name +
                       "` (async or threads) is not supported");
      return malformed("invalid canonical function kind " + hex(*code));
    }
  }
  uint32_t index = static_cast<uint32_t>(c.canons.size());
  c.canons.push_back(std::move(def));
  c.definitions.push_back({Definition::Kind::Canon, index});
  return {};
}

}  // namespace ironclad::component
