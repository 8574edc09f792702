// Handlers for tables and references: table.get/set/size/grow/fill/copy/init, elem.drop,
// ref.is_null. A reference occupies one slot holding Ref::bits (0 is null).
#include <algorithm>
#include <vector>

#include "interp/handler_macros.h"
#include "runtime/const_expr.h"
#include "runtime/segment_ops.h"

namespace ironclad::interp {
namespace {

runtime::Table& table_operand(const Word& w) { return *static_cast<runtime::Table*>(w.ptr); }
runtime::Instance& current_instance(ExecContext* ctx) { return *ctx->act_top->code->instance; }

}  // namespace

IRONCLAD_DEFINE_HANDLER(h_table_get) {
  runtime::Table& t = table_operand(ip[2]);
  uint32_t i = slot_get<uint32_t>(fp, ip[1].pair.a);
  if (i >= t.elements.size()) return raise_trap(ctx, ip, TrapKind::OutOfBoundsTableAccess);
  slot_set<uint64_t>(fp, ip[1].pair.b, t.elements[i].bits);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_table_set) {
  runtime::Table& t = table_operand(ip[2]);
  uint32_t i = slot_get<uint32_t>(fp, ip[1].pair.a);
  if (i >= t.elements.size()) return raise_trap(ctx, ip, TrapKind::OutOfBoundsTableAccess);
  t.elements[i] = Ref{slot_get<uint64_t>(fp, ip[1].pair.b)};
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_table_size) {
  slot_set<uint32_t>(fp, ip[1].pair.a,
                     static_cast<uint32_t>(table_operand(ip[2]).elements.size()));
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_table_grow) {
  runtime::Table& t = table_operand(ip[3]);
  Ref init{slot_get<uint64_t>(fp, ip[1].pair.a)};
  IRONCLAD_CHARGE_BULK(uint64_t{slot_get<uint32_t>(fp, ip[1].pair.b)} * sizeof(Ref));
  int64_t old = t.grow(slot_get<uint32_t>(fp, ip[1].pair.b), init);
  slot_set<uint32_t>(fp, ip[2].pair.a, static_cast<uint32_t>(old));  // -1 on failure
  IRONCLAD_NEXT(4);
}

IRONCLAD_DEFINE_HANDLER(h_table_fill) {
  runtime::Table& t = table_operand(ip[3]);
  uint64_t i = slot_get<uint32_t>(fp, ip[1].pair.a);
  Ref value{slot_get<uint64_t>(fp, ip[1].pair.b)};
  uint64_t n = slot_get<uint32_t>(fp, ip[2].pair.a);
  if (i + n > t.elements.size()) return raise_trap(ctx, ip, TrapKind::OutOfBoundsTableAccess);
  IRONCLAD_CHARGE_BULK(n * sizeof(Ref));
  std::fill_n(t.elements.begin() + static_cast<ptrdiff_t>(i), n, value);
  IRONCLAD_NEXT(4);
}

IRONCLAD_DEFINE_HANDLER(h_table_copy) {
  runtime::Table& dst_table = table_operand(ip[3]);
  runtime::Table& src_table = table_operand(ip[4]);
  uint64_t d = slot_get<uint32_t>(fp, ip[1].pair.a);
  uint64_t s = slot_get<uint32_t>(fp, ip[1].pair.b);
  uint64_t n = slot_get<uint32_t>(fp, ip[2].pair.a);
  if (d + n > dst_table.elements.size() || s + n > src_table.elements.size())
    return raise_trap(ctx, ip, TrapKind::OutOfBoundsTableAccess);
  IRONCLAD_CHARGE_BULK(n * sizeof(Ref));
  // Overlapping ranges in one table copy as if through a temporary (memmove semantics).
  auto src_begin = src_table.elements.begin() + static_cast<ptrdiff_t>(s);
  auto dst_begin = dst_table.elements.begin() + static_cast<ptrdiff_t>(d);
  if (d <= s)
    std::copy(src_begin, src_begin + static_cast<ptrdiff_t>(n), dst_begin);
  else
    std::copy_backward(src_begin, src_begin + static_cast<ptrdiff_t>(n),
                       dst_begin + static_cast<ptrdiff_t>(n));
  IRONCLAD_NEXT(5);
}

namespace {

// The items of an element segment as references (empty once dropped). Item expressions
// are constant (ref.func, ref.null, global.get of an immutable global), so evaluating
// them again at table.init gives the values the segment had at instantiation.
Result<std::vector<Ref>> element_items(const runtime::Instance& inst, uint32_t seg) {
  std::vector<Ref> refs;
  if (inst.elem_dropped[seg]) return refs;
  const wasm::ElementSegment& es = inst.module->elements[seg];
  refs.reserve(es.size());
  for (uint32_t f : es.func_indices) refs.push_back(inst.funcs.at(f)->as_ref());
  for (size_t i = 0; i < es.items.size(); ++i) {
    IRONCLAD_TRY_ASSIGN(Value v, runtime::evaluate_const_expr(*inst.module, es.items[i],
                                                              es.elem_type, inst,
                                                              "element segment item"));
    refs.push_back(v.ref);
  }
  return refs;
}

}  // namespace

namespace {
// table.init out of line: the vector and Results would keep the handler from tail-calling.
// Returns Done to continue, or the status that ends the run.
[[gnu::noinline]] Status table_init(ExecContext* ctx, const Word* ip, const uint64_t* fp) {
  runtime::Instance& inst = current_instance(ctx);
  auto items = element_items(inst, ip[2].pair.b);
  if (!items.ok()) return raise_error(ctx, ip, std::move(items).error());
  auto r = runtime::table_init(table_operand(ip[3]), slot_get<uint32_t>(fp, ip[1].pair.a),
                               *items, slot_get<uint32_t>(fp, ip[1].pair.b),
                               slot_get<uint32_t>(fp, ip[2].pair.a));
  if (!r.ok()) return raise_trap(ctx, ip, TrapKind::OutOfBoundsTableAccess);
  return Status::Done;
}
}  // namespace

IRONCLAD_DEFINE_HANDLER(h_table_init) {
  IRONCLAD_CHARGE_BULK(uint64_t{slot_get<uint32_t>(fp, ip[2].pair.a)} * sizeof(Ref));
  Status s = table_init(ctx, ip, fp);
  if (s != Status::Done) return s;
  IRONCLAD_NEXT(4);
}

IRONCLAD_DEFINE_HANDLER(h_elem_drop) {
  current_instance(ctx).elem_dropped[ip[1].pair.a] = true;
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_ref_is_null) {
  slot_set<uint32_t>(fp, ip[1].pair.b, slot_get<uint64_t>(fp, ip[1].pair.a) == 0 ? 1u : 0u);
  IRONCLAD_NEXT(2);
}

}  // namespace ironclad::interp
