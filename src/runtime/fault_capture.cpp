// ironclad::handle_signal: decides whether a fault is ours (a PC inside registered
// generated code, on a thread with an active activation), and if it is, records it in the
// activation, classifies it and unwinds there. Everything here runs in a signal handler:
// no locks, no allocation, only async-signal-safe calls.
#include <pthread.h>
#include <sys/ucontext.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "ironclad/signals.h"
#include "runtime/activation.h"
#include "runtime/activation_tls.h"

namespace ironclad {

namespace {

using runtime::Activation;
using runtime::CodeRange;
using runtime::FaultRecord;
using runtime::UnwindReason;

// Copies [from, from+size) into `out` without faulting, even if the memory is unreadable
// (a code page mapped execute-only, or unmapped since): process_vm_readv on ourselves
// returns EFAULT where a load would raise a second SIGSEGV inside the handler. Returns the
// number of bytes copied.
size_t copy_without_faulting(uintptr_t from, uint8_t* out, size_t size) {
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(from), size};
  ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

// The bytes at the faulting pc, up to 16, never past the end of the registered range.
void capture_code_bytes(FaultRecord& f, const CodeRange& range) {
  size_t want = std::min<size_t>(sizeof f.code_bytes, range.end - f.pc);
  size_t got = copy_without_faulting(f.pc, f.code_bytes, want);
  if (got == 0 && errno != EFAULT && f.signo != SIGSEGV && f.signo != SIGBUS) {
    // process_vm_readv refused (a seccomp filter, say). The CPU fetched and decoded the
    // instruction at pc to raise SIGILL/SIGFPE, so pc's page is mapped; x86 code pages are
    // readable unless a protection key made them execute-only, which this engine's
    // code pages never are. Stay within that page.
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    uintptr_t page_end = (f.pc / page + 1) * page;
    got = std::min<size_t>(want, page_end - f.pc);
    memcpy(f.code_bytes, reinterpret_cast<const void*>(f.pc), got);
  }
  f.code_size = static_cast<uint8_t>(got);
}

// ud2 (0F 0B) and ud1 (0F B9 /r): the instructions generated code uses to trap on purpose.
bool is_trap_instruction(const FaultRecord& f) {
  return f.code_size >= 2 && f.code_bytes[0] == 0x0F &&
         (f.code_bytes[1] == 0x0B || f.code_bytes[1] == 0xB9);
}

// A fault at the bottom of this thread's stack or in the guard below it: a frame bigger
// than the stack limit's margin ran past the entry check (its stack probes touch every page
// on the way, so it meets the guard first). The spec calls that a trap.
// The reported bottom is not always the real one: with `ulimit -s unlimited` glibc reports a
// stack of terabytes, and under an address-space limit the kernel cannot grow the stack as far
// as the budget allows. So a SIGSEGV right at the stack pointer (a push, a call, a probe),
// below where the activation entered, is a stack overflow too.
bool is_stack_overflow(const FaultRecord& f, uintptr_t stack_limit, uintptr_t entry_frame) {
  if (f.signo != SIGSEGV) return false;
  constexpr uintptr_t kNearStackPointer = 64 * 1024;
  const uintptr_t sp = static_cast<uintptr_t>(f.gregs[REG_RSP]);
  if (entry_frame != 0 && sp != 0 && f.fault_address < entry_frame &&
      f.fault_address + kNearStackPointer >= sp && f.fault_address <= sp + kNearStackPointer)
    return true;
  uintptr_t low = runtime::detail::thread_stack_low;
  if (low == 0 || stack_limit == 0) return false;
  uintptr_t reach =
      low > runtime::detail::kStackGuardReach ? low - runtime::detail::kStackGuardReach : 0;
  return f.fault_address >= reach && f.fault_address < stack_limit;
}

void classify(Activation& act, const CodeRange& range) {
  const FaultRecord& f = act.fault;
  TrapKind trap = TrapKind::None;
  if ((f.signo == SIGSEGV || f.signo == SIGBUS) &&
      range.info->is_memory_reservation(f.fault_address))
    trap = TrapKind::OutOfBoundsMemoryAccess;
  else if (is_stack_overflow(f, act.stack_limit, act.entry_frame))
    trap = TrapKind::CallStackExhausted;
  else if (f.signo == SIGILL && is_trap_instruction(f))
    trap = range.info->trap_at(f.pc);
  if (trap != TrapKind::None) {
    act.reason = UnwindReason::Trap;
    act.trap = trap;
  } else {
    // The tier decodes it: CpuIncompatibility, UnexplainedIllegalInstruction, EngineFault.
    act.reason = UnwindReason::Fault;
    act.trap = TrapKind::None;
  }
}

}  // namespace

bool handle_signal(int sig, siginfo_t* info, void* ucontext) {
  if (!info || !ucontext) return false;
  if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE) return false;
  // si_code <= 0: sent by kill/raise/sigqueue, not raised by the instruction at pc.
  if (info->si_code <= 0) return false;
  Activation* act = runtime::detail::innermost_activation;
  if (!act) return false;
  auto* uc = static_cast<ucontext_t*>(ucontext);
  auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  CodeRange range;
  if (!runtime::find_code_range(pc, range)) return false;

  FaultRecord& f = act->fault;
  f = FaultRecord{};
  f.signo = sig;
  f.si_code = info->si_code;
  f.pc = pc;
  f.fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
  static_assert(sizeof f.gregs == sizeof uc->uc_mcontext.gregs);
  memcpy(f.gregs, uc->uc_mcontext.gregs, sizeof f.gregs);
  f.frame_pointer = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
  capture_code_bytes(f, range);
  runtime::detail::capture_backtrace(f, *act, f.frame_pointer,
                                     static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]));
  act->fault_code = range.info;
  classify(*act, range);
  // The entry did not save the signal mask (activation_impl.h): put back the mask of the
  // code that faulted, which unblocks `sig` (blocked while a handler runs) and undoes any
  // sa_mask of the handler we were called from.
  pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, nullptr);
  siglongjmp(act->entry, 1);
}

}  // namespace ironclad
