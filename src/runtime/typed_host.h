// Typed host functions: define a wasm import from an ordinary C++ callable, its wasm type
// deduced from the C++ signature.
//
//   linker.define_typed(store, "env", "add", [](int32_t a, int32_t b) { return a + b; });
//   define_typed(linker, store, "env", "log",
//                [](HostContext& ctx, uint32_t ptr, uint32_t len) -> Result<void> {...});
//
// Parameter and result types: int32_t/uint32_t -> i32, int64_t/uint64_t -> i64, float ->
// f32, double -> f64, V128 -> v128. Results: void, one of those, or a std::tuple of them
// for several results; any of these wrapped in Result<...> so that the function can trap
// or end the program as proc_exit does (its Error unwinds the wasm call). An optional first parameter `HostContext&`
// gives access to the store and the caller's memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/runtime.h"

namespace ironclad::runtime {

// The wasm value type of a C++ type, and conversions both ways.
template <class T>
struct WasmType {
  static_assert(sizeof(T) == 0,
                "typed host functions take and return only int32_t, uint32_t, int64_t, "
                "uint64_t, float, double and V128 (or a std::tuple of them as results)");
};
template <>
struct WasmType<int32_t> {
  static constexpr ValType type = ValType::I32;
  static int32_t from(const Value& v) { return static_cast<int32_t>(v.i32); }
  static Value to(int32_t x) { return Value::from_i32(static_cast<uint32_t>(x)); }
};
template <>
struct WasmType<uint32_t> {
  static constexpr ValType type = ValType::I32;
  static uint32_t from(const Value& v) { return v.i32; }
  static Value to(uint32_t x) { return Value::from_i32(x); }
};
template <>
struct WasmType<int64_t> {
  static constexpr ValType type = ValType::I64;
  static int64_t from(const Value& v) { return static_cast<int64_t>(v.i64); }
  static Value to(int64_t x) { return Value::from_i64(static_cast<uint64_t>(x)); }
};
template <>
struct WasmType<uint64_t> {
  static constexpr ValType type = ValType::I64;
  static uint64_t from(const Value& v) { return v.i64; }
  static Value to(uint64_t x) { return Value::from_i64(x); }
};
template <>
struct WasmType<float> {
  static constexpr ValType type = ValType::F32;
  static float from(const Value& v) { return v.f32; }
  static Value to(float x) { return Value::from_f32(x); }
};
template <>
struct WasmType<double> {
  static constexpr ValType type = ValType::F64;
  static double from(const Value& v) { return v.f64; }
  static Value to(double x) { return Value::from_f64(x); }
};
template <>
struct WasmType<V128> {
  static constexpr ValType type = ValType::V128;
  static V128 from(const Value& v) { return v.v128; }
  static Value to(const V128& x) { return Value::from_v128(x); }
};

namespace typed_host_detail {

// The parameter list and return type of a callable (function, function pointer, lambda or
// any class with one non-template operator()).
template <class R, class... A>
struct SignatureOf {
  using Return = R;
  using Args = std::tuple<A...>;
};
template <class F>
struct Signature : Signature<decltype(&F::operator())> {};
template <class R, class... A>
struct Signature<R(A...)> : SignatureOf<R, A...> {};
template <class R, class... A>
struct Signature<R(A...) noexcept> : SignatureOf<R, A...> {};
template <class R, class... A>
struct Signature<R (*)(A...)> : SignatureOf<R, A...> {};
template <class R, class... A>
struct Signature<R (*)(A...) noexcept> : SignatureOf<R, A...> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...)> : SignatureOf<R, A...> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...) const> : SignatureOf<R, A...> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...) noexcept> : SignatureOf<R, A...> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...) const noexcept> : SignatureOf<R, A...> {};

template <class T>
using Plain = std::remove_cvref_t<T>;

// Splits an optional leading HostContext& off the parameters.
template <class Args>
struct Params {
  static constexpr bool with_context = false;
  using Wasm = Args;
};
template <class First, class... Rest>
struct Params<std::tuple<First, Rest...>> {
  static constexpr bool with_context = std::is_same_v<Plain<First>, HostContext>;
  using Wasm = std::conditional_t<with_context, std::tuple<Rest...>, std::tuple<First, Rest...>>;
  static_assert(!with_context || std::is_lvalue_reference_v<First>,
                "take the host context as HostContext&");
};

// Result<T> -> T, anything else unchanged.
template <class R>
struct Unwrap {
  using Type = R;
  static constexpr bool is_result = false;
};
template <class T>
struct Unwrap<Result<T>> {
  using Type = T;
  static constexpr bool is_result = true;
};

// The wasm result types of a C++ result type (void, scalar or tuple).
template <class T>
struct ResultTypes {
  static void append(std::vector<ValType>& out) { out.push_back(WasmType<Plain<T>>::type); }
  static void write(const T& x, Value* results) { results[0] = WasmType<Plain<T>>::to(x); }
};
template <>
struct ResultTypes<void> {
  static void append(std::vector<ValType>&) {}
};
template <class... T>
struct ResultTypes<std::tuple<T...>> {
  static void append([[maybe_unused]] std::vector<ValType>& out) {
    (out.push_back(WasmType<Plain<T>>::type), ...);
  }
  static void write(const std::tuple<T...>& x, Value* results) {
    write_each(x, results, std::index_sequence_for<T...>{});
  }
  template <size_t... I>
  static void write_each(const std::tuple<T...>& x, [[maybe_unused]] Value* results,
                         std::index_sequence<I...>) {
    ((results[I] = WasmType<Plain<T>>::to(std::get<I>(x))), ...);
  }
};

template <class Tuple>
struct ParamTypes;
template <class... A>
struct ParamTypes<std::tuple<A...>> {
  static void append([[maybe_unused]] std::vector<ValType>& out) {
    (out.push_back(WasmType<Plain<A>>::type), ...);
  }

  // Calls fn with the converted arguments (and the context first if it wants one).
  template <bool WithContext, class F, size_t... I>
  static decltype(auto) call(F& fn, HostContext& ctx, const Value* args,
                             std::index_sequence<I...>) {
    if constexpr (WithContext) {
      return fn(ctx, WasmType<Plain<A>>::from(args[I])...);
    } else {
      (void)ctx;
      (void)args;  // unused when there are no parameters
      return fn(WasmType<Plain<A>>::from(args[I])...);
    }
  }
};

template <class F>
struct Typed {
  using Sig = Signature<std::remove_cvref_t<F>>;
  using P = Params<typename Sig::Args>;
  using Ret = typename Sig::Return;
  using U = Unwrap<Plain<Ret>>;

  static wasm::FuncType func_type() {
    wasm::FuncType t;
    ParamTypes<typename P::Wasm>::append(t.params);
    ResultTypes<typename U::Type>::append(t.results);
    return t;
  }

  static Result<void> invoke(F& fn, HostContext& ctx, const Value* args, Value* results) {
    using Seq = std::make_index_sequence<std::tuple_size_v<typename P::Wasm>>;
    using Call = ParamTypes<typename P::Wasm>;
    if constexpr (std::is_void_v<Ret>) {
      Call::template call<P::with_context>(fn, ctx, args, Seq{});
      return {};
    } else {
      auto r = Call::template call<P::with_context>(fn, ctx, args, Seq{});
      if constexpr (U::is_result) {
        if (!r.ok()) return std::move(r).error();
        if constexpr (!std::is_void_v<typename U::Type>) {
          ResultTypes<typename U::Type>::write(r.value(), results);
        }
      } else {
        ResultTypes<typename U::Type>::write(r, results);
      }
      return {};
    }
  }
};

}  // namespace typed_host_detail

// The wasm function type deduced from callable type F.
template <class F>
wasm::FuncType typed_func_type() {
  return typed_host_detail::Typed<F>::func_type();
}

// Wraps a callable as a HostFunction (the callable may be move-only).
template <class F>
HostFunction make_typed_host(F fn) {
  auto shared = std::make_shared<std::remove_cvref_t<F>>(std::move(fn));
  return [shared](HostContext& ctx, const Value* args, Value* results) -> Result<void> {
    return typed_host_detail::Typed<std::remove_cvref_t<F>>::invoke(*shared, ctx, args, results);
  };
}

// A host function in `store` with the type deduced from `fn`.
template <class F>
FunctionInstance* create_typed_function(Store& store, F fn) {
  return store.create_host_function(typed_func_type<F>(), make_typed_host(std::move(fn)));
}

// Defines module.field in `linker` as a host function with the type deduced from `fn`.
template <class F>
void define_typed(Linker& linker, Store& store, std::string module, std::string field, F fn) {
  linker.define_function(store, std::move(module), std::move(field), typed_func_type<F>(),
                         make_typed_host(std::move(fn)));
}

template <class F>
void Linker::define_typed(Store& store, std::string module, std::string field, F fn) {
  runtime::define_typed(*this, store, std::move(module), std::move(field), std::move(fn));
}

}  // namespace ironclad::runtime
