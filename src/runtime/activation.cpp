// The thread's chain of activations, and the two ways generated code leaves one early:
// raise_trap and raise_host_error. (Signals unwind in signal_handlers.cpp.)
#include "runtime/activation.h"

#include <pthread.h>
#include <ucontext.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "runtime/activation_tls.h"

namespace ironclad::runtime {

namespace {

// Writes an engine-bug message with write(2) only: the callers are about to give up.
void report_engine_bug(const char* what) {
  const char prefix[] = "ironclad: engine bug: ";
  ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
  ignored = write(STDERR_FILENO, what, strlen(what));
  ignored = write(STDERR_FILENO, "\n", 1);
  (void)ignored;
}

// No activation to unwind to: there is no frame that could return an error, so hand the
// bug to the application's crash handler the way any other crash reaches it. The SIGILL
// is raised here, outside generated code, so our handler forwards it.
[[noreturn]] void no_activation(const char* what) {
  report_engine_bug(what);
  __builtin_trap();
}

// Reads this thread's stack bounds into thread_stack_low and returns the limit.
uintptr_t compute_stack_limit() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
  void* low = nullptr;
  size_t size = 0;
  int rc = pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  if (rc != 0 || size == 0) return 0;
  detail::thread_stack_low = reinterpret_cast<uintptr_t>(low);
  // The margin is what runs below generated code's last check: runtime helpers, host
  // functions (which may recurse into wasm, and get their own check there) and, if no
  // alternate stack exists, signal delivery. A small stack gives up half of itself.
  size_t margin = size >= 2 * kStackSafetyMargin ? kStackSafetyMargin : size / 2;
  return detail::thread_stack_low + margin;
}

}  // namespace

namespace detail {

// initial-exec: the signal handler reads this, and a static-TLS access is a plain load
// (no __tls_get_addr, which may allocate on first use of a dlopen'ed module's TLS).
constinit thread_local Activation* innermost_activation __attribute__((tls_model("initial-exec"))) =
    nullptr;
constinit thread_local uintptr_t thread_stack_low __attribute__((tls_model("initial-exec"))) = 0;
constinit thread_local FaultRecord thread_fault_record __attribute__((tls_model("initial-exec")));

void push_activation(Activation& act, void* entry_frame) noexcept {
  ensure_signal_stack();
  act.reason = UnwindReason::None;
  act.trap = TrapKind::None;
  act.host_error = Result<void>();
  // The scalars only: a reused activation's registers and bytes are rewritten by the next
  // fault before anything reads them, and clearing ~600 bytes per call is measurable.
  act.fault.signo = 0;
  act.fault.si_code = 0;
  act.fault.pc = 0;
  act.fault.fault_address = 0;
  act.fault.code_size = 0;
  act.fault.frame_pointer = 0;
  act.fault.backtrace_size = 0;
  // The registers are read only when a signal wrote them (fault_decoding.cpp: a zero rip
  // means none), and the record is the thread's, so an earlier fault's must not show.
  act.fault.gregs[REG_RIP] = 0;
  act.fault_code = nullptr;
  act.stack_limit = thread_stack_limit();
  act.entry_frame = reinterpret_cast<uintptr_t>(entry_frame);
  act.previous = innermost_activation;
  // A signal handler reading the chain on this thread sees either the old or the new head,
  // never a half-linked one.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  innermost_activation = &act;
}

void pop_activation(Activation& act) noexcept {
  // Activations nest strictly (enter_activation's frames): the one leaving is the head.
  innermost_activation = act.previous;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

}  // namespace detail

FaultRecord& this_thread_fault_record() noexcept {
  return detail::thread_fault_record;
}

Activation* current_activation() {
  return detail::innermost_activation;
}

uintptr_t thread_stack_limit() {
  // Cached: pthread_getattr_np reads /proc/self/maps for the main thread.
  static thread_local bool known = false;
  static thread_local uintptr_t limit = 0;
  if (!known) {
    limit = compute_stack_limit();
    known = true;
  }
  return limit;
}

[[noreturn]] void raise_trap(TrapKind kind) {
  Activation* act = detail::innermost_activation;
  if (!act) no_activation("raise_trap called outside any wasm activation");
  act->reason = UnwindReason::Trap;
  act->trap = kind;
  auto frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  act->fault.frame_pointer = frame;
  detail::capture_backtrace(act->fault, *act, frame, frame);
  siglongjmp(act->entry, 1);
}

[[noreturn]] void raise_host_error(Error error) {
  Activation* act = detail::innermost_activation;
  if (!act) no_activation("raise_host_error called outside any wasm activation");
  act->reason = UnwindReason::HostError;
  act->host_error = std::move(error);
  auto frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  act->fault.frame_pointer = frame;
  detail::capture_backtrace(act->fault, *act, frame, frame);
  siglongjmp(act->entry, 1);
}

Error activation_error(Activation& act) {
  switch (act.reason) {
    case UnwindReason::Trap:
      return Error::make_trap(act.trap);
    case UnwindReason::HostError:
      if (!act.host_error.ok()) return std::move(act.host_error).error();
      return Error::make(ErrorKind::Internal, "a host function failed without an error");
    case UnwindReason::Fault: {
      const FaultRecord& f = act.fault;
      std::string signame = sigabbrev_np(f.signo) ? sigabbrev_np(f.signo) : "?";
      char where[96];
      snprintf(where, sizeof where, " at pc 0x%lx (address 0x%lx, si_code %d)",
               static_cast<unsigned long>(f.pc), static_cast<unsigned long>(f.fault_address),
               f.si_code);
      return Error::make(ErrorKind::EngineFault, "SIG" + signame + " in generated code" + where);
    }
    case UnwindReason::None:
      break;
  }
  return Error::make(ErrorKind::Internal, "activation_error: the activation was not unwound");
}

}  // namespace ironclad::runtime
