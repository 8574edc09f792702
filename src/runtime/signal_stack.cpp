// The per-thread alternate signal stack: a stack overflow in generated code faults with
// the stack pointer on the guard page, and the handler can only run somewhere else.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>

#include "runtime/activation.h"

namespace ironclad::runtime {

namespace {

// Big enough for the kernel's signal frame with the widest register state (AVX-512 adds
// ~2.5 KiB), our handler, and a previous handler we forward to (a crash reporter that
// formats a report). Untouched pages cost no memory.
constexpr size_t kMinSignalStackSize = 128 * 1024;

// The stack this thread installed, released when the thread exits.
class ThreadSignalStack {
 public:
  ~ThreadSignalStack() { release(); }

  void ensure() {
    if (checked_) return;
    checked_ = true;
    stack_t current{};
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE))
      return;  // someone's
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    long min_size = sysconf(_SC_MINSIGSTKSZ);  // grows with the CPU's register state
    size_t size =
        std::max(kMinSignalStackSize, static_cast<size_t>(min_size > 0 ? min_size : 0) * 4);
    size = (size + page - 1) / page * page;
    // One PROT_NONE page below the stack: an overflow of the handler faults instead of
    // writing over whatever is mapped there.
    void* mapping = mmap(nullptr, size + page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED) return;  // no alternate stack: overflows are not recoverable
    mprotect(mapping, page, PROT_NONE);
    stack_t ours{};
    ours.ss_sp = static_cast<char*>(mapping) + page;
    ours.ss_size = size;
    ours.ss_flags = 0;
    if (sigaltstack(&ours, nullptr) != 0) {
      munmap(mapping, size + page);
      return;
    }
    mapping_ = mapping;
    mapping_size_ = size + page;
    stack_ = ours.ss_sp;
  }

 private:
  void release() {
    if (!mapping_) return;
    stack_t current{};
    // Only if it is still ours and we are not running on it (a thread exiting from a
    // handler): someone may have replaced it since.
    if (sigaltstack(nullptr, &current) == 0 && current.ss_sp == stack_ &&
        !(current.ss_flags & SS_ONSTACK)) {
      stack_t disable{};
      disable.ss_flags = SS_DISABLE;
      if (sigaltstack(&disable, nullptr) != 0) return;
      munmap(mapping_, mapping_size_);
    }
    mapping_ = nullptr;
  }

  bool checked_ = false;
  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  void* stack_ = nullptr;
};

thread_local ThreadSignalStack thread_signal_stack;

}  // namespace

void ensure_signal_stack() {
  thread_signal_stack.ensure();
}

}  // namespace ironclad::runtime
