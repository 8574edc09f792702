// wasi:io: error, poll, streams. Streams read and write host fds (stdio, files); writes
// count as external effects (WasiContext::note_external_effect) as in preview1.
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "wasi/deadline_wait.h"
#include "wasi/p2_state.h"
#include "wasi/preview2.h"

namespace ironclad::wasi::p2 {

namespace {

// Reads and writes move at most this much per call (a guest asks for what it wants).
constexpr uint64_t kMaxChunk = 1 << 20;

uint64_t u64_arg(const Value& v) {
  return v.as_u64();
}

// Errors of write_all besides errno values: the call's deadline passed with the stream
// still full (a pipe nobody reads).
constexpr int kPastDeadline = -1;

// Writes all of `data` (retrying short writes and EINTR); errno on failure. A stream that
// could block (a pipe, a terminal) is written no longer than the running call's deadline:
// a piece that fits at a time, each once the stream has room.
int write_all(Host& h, P2OutputStream& s, const uint8_t* data, size_t size) {
  const CallDeadline deadline = h.context.call_deadline();
  const bool bounded =
      deadline && s.mode != P2OutputStream::Mode::Positional && may_block(s.fd);
  while (size > 0) {
    ssize_t n;
    if (s.mode == P2OutputStream::Mode::Positional) {
      n = ::pwrite(s.fd, data, size, static_cast<off_t>(s.offset));
    } else if (bounded) {
      if (!wait_ready(s.fd, POLLOUT, deadline)) return kPastDeadline;
      n = ::write(s.fd, data, std::min(size, kWritableWithoutBlocking));
    } else {
      n = ::write(s.fd, data, size);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (s.mode == P2OutputStream::Mode::Positional) s.offset += static_cast<uint64_t>(n);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

Out write(Host& h, Args& args) {
  P2OutputStream* s = h.outputs.get(args[0].rep());
  if (!s) return bad_handle("output-stream");
  std::vector<uint8_t> bytes;
  bytes.reserve(args[1].items.size());
  for (const Value& b : args[1].items) bytes.push_back(static_cast<uint8_t>(b.bits));
  if (!bytes.empty()) h.context.note_external_effect();
  int e = write_all(h, *s, bytes.data(), bytes.size());
  if (e == kPastDeadline) return h.context.call_budget()->exhausted_error();
  if (e == EPIPE) return some(stream_closed());
  if (e != 0) return some(stream_failed(h, std::string("write: ") + std::strerror(e), e));
  return some(Value::ok());
}

Out read(Host& h, Args& args, bool skip) {
  P2InputStream* s = h.inputs.get(args[0].rep());
  if (!s) return bad_handle("input-stream");
  uint64_t want = std::min<uint64_t>(u64_arg(args[1]), kMaxChunk);
  if (s->closed) return some(stream_closed());
  if (s->fd < 0) {  // an empty stream
    s->closed = true;
    return some(stream_closed());
  }
  std::vector<uint8_t> buf(want);
  ssize_t n = 0;
  if (want > 0) {
    // A read that could block (a pipe, a terminal) waits no longer than the running call's
    // deadline; past it the call ends.
    if (!s->positional && !wait_ready(s->fd, POLLIN, h.context.call_deadline()))
      return h.context.call_budget()->exhausted_error();
    do {
      n = s->positional ? ::pread(s->fd, buf.data(), want, static_cast<off_t>(s->offset))
                        : ::read(s->fd, buf.data(), want);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return some(stream_failed(h, std::string("read: ") + std::strerror(errno), errno));
    if (!s->positional) h.context.note_external_effect();  // input consumed (stdin)
    if (n == 0) {
      s->closed = true;
      return some(stream_closed());
    }
    if (s->positional) s->offset += static_cast<uint64_t>(n);
  }
  if (skip) return some(Value::ok(Value::u64(static_cast<uint64_t>(n))));
  std::vector<Value> items;
  items.reserve(static_cast<size_t>(n));
  for (ssize_t i = 0; i < n; ++i) items.push_back(Value::u8(buf[i]));
  return some(Value::ok(Value::list(std::move(items))));
}

void sleep_until(uint64_t deadline_ns) {
  for (;;) {
    uint64_t now = monotonic_now_ns();
    if (now >= deadline_ns) return;
    uint64_t wait = deadline_ns - now;
    timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    ::nanosleep(&ts, nullptr);
  }
}

// Sleeps until `deadline_ns` (CLOCK_MONOTONIC), or the running call's deadline if sooner
// (runtime::CallBudget): past that, the call ends with its Timeout error.
Result<void> block_until(Host& h, uint64_t deadline_ns) {
  if (auto call_deadline = h.context.call_deadline()) {
    auto left = std::chrono::ceil<std::chrono::nanoseconds>(*call_deadline -
                                                            std::chrono::steady_clock::now());
    uint64_t cap = monotonic_now_ns() + static_cast<uint64_t>(std::max<int64_t>(left.count(), 0));
    deadline_ns = std::min(deadline_ns, cap);
  }
  sleep_until(deadline_ns);
  if (h.context.past_call_deadline()) return h.context.call_budget()->exhausted_error();
  return {};
}

}  // namespace

ComponentValue stream_failed(Host& h, std::string message, int host_errno) {
  uint32_t rep = h.errors.add({std::move(message), host_errno});
  return Value::err(Value::variant(0, Value::own(h.error_type, rep)));
}

uint64_t monotonic_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

void define_io(ComponentLinker& linker, Host& h, const std::string& version) {
  std::string error_iface = "wasi:io/error@" + version;
  h.error_type =
      linker.define_resource(error_iface, "error", [&h](uint32_t rep) { h.errors.remove(rep); });
  linker.define_function(error_iface, "[method]error.to-debug-string", [&h](Args& a) -> Out {
    P2Error* e = h.errors.get(a[0].rep());
    if (!e) return bad_handle("error");
    return some(Value::string(e->message));
  });

  std::string poll_iface = "wasi:io/poll@" + version;
  h.pollable_type = linker.define_resource(poll_iface, "pollable",
                                           [&h](uint32_t rep) { h.pollables.remove(rep); });
  linker.define_function(poll_iface, "[method]pollable.ready", [&h](Args& a) -> Out {
    P2Pollable* p = h.pollables.get(a[0].rep());
    if (!p) return bad_handle("pollable");
    return some(Value::boolean(!p->deadline_ns || monotonic_now_ns() >= *p->deadline_ns));
  });
  linker.define_function(poll_iface, "[method]pollable.block", [&h](Args& a) -> Out {
    P2Pollable* p = h.pollables.get(a[0].rep());
    if (!p) return bad_handle("pollable");
    if (p->deadline_ns) IRONCLAD_TRY(block_until(h, *p->deadline_ns));
    return none();
  });
  linker.define_function(poll_iface, "poll", [&h](Args& a) -> Out {
    const std::vector<Value>& list = a[0].items;
    if (list.empty())
      return Error::make_trap(TrapKind::HostTrap,
                              "wasi:io/poll#poll: an empty list never becomes ready");
    for (;;) {
      std::vector<Value> ready;
      std::optional<uint64_t> earliest;
      uint64_t now = monotonic_now_ns();
      for (size_t i = 0; i < list.size(); ++i) {
        P2Pollable* p = h.pollables.get(list[i].rep());
        if (!p) return bad_handle("pollable");
        if (!p->deadline_ns || now >= *p->deadline_ns) {
          ready.push_back(Value::u32(static_cast<uint32_t>(i)));
        } else if (!earliest || *p->deadline_ns < *earliest) {
          earliest = p->deadline_ns;
        }
      }
      if (!ready.empty()) return some(Value::list(std::move(ready)));
      IRONCLAD_TRY(block_until(h, *earliest));
    }
  });

  std::string streams = "wasi:io/streams@" + version;
  h.input_type =
      linker.define_resource(streams, "input-stream", [&h](uint32_t rep) { h.inputs.remove(rep); });
  h.output_type = linker.define_resource(streams, "output-stream",
                                         [&h](uint32_t rep) { h.outputs.remove(rep); });
  auto subscribe = [&h](Args&) -> Out {
    return some(Value::own(h.pollable_type, h.pollables.add({})));
  };
  for (const char* name : {"[method]input-stream.read", "[method]input-stream.blocking-read"}) {
    linker.define_function(streams, name, [&h](Args& a) { return read(h, a, false); });
  }
  for (const char* name : {"[method]input-stream.skip", "[method]input-stream.blocking-skip"}) {
    linker.define_function(streams, name, [&h](Args& a) { return read(h, a, true); });
  }
  linker.define_function(streams, "[method]input-stream.subscribe", subscribe);
  linker.define_function(streams, "[method]output-stream.check-write", [&h](Args& a) -> Out {
    if (!h.outputs.get(a[0].rep())) return bad_handle("output-stream");
    return some(Value::ok(Value::u64(kMaxChunk)));
  });
  for (const char* name :
       {"[method]output-stream.write", "[method]output-stream.blocking-write-and-flush"}) {
    linker.define_function(streams, name, [&h](Args& a) { return write(h, a); });
  }
  for (const char* name : {"[method]output-stream.flush", "[method]output-stream.blocking-flush"}) {
    linker.define_function(streams, name, [&h](Args& a) -> Out {
      P2OutputStream* s = h.outputs.get(a[0].rep());
      if (!s) return bad_handle("output-stream");
      if (s->file) ::fdatasync(s->fd);
      return some(Value::ok());
    });
  }
  linker.define_function(streams, "[method]output-stream.subscribe", subscribe);
  for (const char* name : {"[method]output-stream.write-zeroes",
                           "[method]output-stream.blocking-write-zeroes-and-flush"}) {
    linker.define_function(streams, name, [&h](Args& a) -> Out {
      P2OutputStream* s = h.outputs.get(a[0].rep());
      if (!s) return bad_handle("output-stream");
      uint64_t n = std::min<uint64_t>(u64_arg(a[1]), kMaxChunk);
      std::vector<uint8_t> zeros(n);
      if (n) h.context.note_external_effect();
      int e = write_all(h, *s, zeros.data(), zeros.size());
      if (e == kPastDeadline) return h.context.call_budget()->exhausted_error();
      if (e != 0) return some(stream_failed(h, std::string("write: ") + std::strerror(e), e));
      return some(Value::ok());
    });
  }
  for (const char* name :
       {"[method]output-stream.splice", "[method]output-stream.blocking-splice"}) {
    linker.define_function(streams, name, [&h](Args& a) -> Out {
      P2OutputStream* out = h.outputs.get(a[0].rep());
      if (!out) return bad_handle("output-stream");
      Args read_args{a[1], a[2]};
      IRONCLAD_TRY_ASSIGN(std::optional<Value> got, read(h, read_args, false));
      if (got->discriminant() != 0) return some(std::move(*got));  // the input's error
      const Value& bytes = got->items[0];
      Args write_args{a[0], bytes};
      IRONCLAD_TRY_ASSIGN(std::optional<Value> wrote, write(h, write_args));
      if (wrote->discriminant() != 0) return some(std::move(*wrote));
      return some(Value::ok(Value::u64(bytes.items.size())));
    });
  }
}

}  // namespace ironclad::wasi::p2
