// wasi:cli (environment, exit, stdio, terminals), wasi:clocks (wall, monotonic) and
// wasi:random (random, insecure, insecure-seed).
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "wasi/p2_state.h"
#include "wasi/preview2.h"

namespace ironclad::wasi::p2 {

namespace {

int stdio_fd(Host& h, uint32_t guest_fd) {
  FdEntry* e = h.context.fds().get(guest_fd);
  return e ? e->host_fd : -1;
}

Value datetime(const timespec& ts) {
  return Value::record({Value::u64(static_cast<uint64_t>(ts.tv_sec)),
                        Value::u32(static_cast<uint32_t>(ts.tv_nsec))});
}

// Random bytes from the kernel (getrandom blocks only before the pool is initialised).
std::vector<uint8_t> random_bytes(uint64_t n) {
  std::vector<uint8_t> out(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::getrandom(out.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    got += static_cast<size_t>(r);
  }
  if (got < n) {  // no getrandom: a fallback that is at least not constant
    std::random_device rd;
    for (size_t i = got; i < n; ++i) out[i] = static_cast<uint8_t>(rd());
  }
  return out;
}

Value byte_list(const std::vector<uint8_t>& bytes) {
  std::vector<Value> items;
  items.reserve(bytes.size());
  for (uint8_t b : bytes) items.push_back(Value::u8(b));
  return Value::list(std::move(items));
}

uint64_t random_u64() {
  auto b = random_bytes(8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{b[i]} << (8 * i);
  return v;
}

// At most this many random bytes per call: a guest asking for 2^64 gets a trap, not an OOM.
constexpr uint64_t kMaxRandomBytes = 1 << 24;

}  // namespace

void define_cli(ComponentLinker& linker, Host& h, const std::string& version) {
  std::string env = "wasi:cli/environment@" + version;
  linker.define_function(env, "get-environment", [&h](Args&) -> Out {
    std::vector<Value> vars;
    for (const std::string& kv : h.context.env()) {
      size_t eq = kv.find('=');
      std::string key = kv.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
      vars.push_back(Value::tuple({Value::string(key), Value::string(value)}));
    }
    return some(Value::list(std::move(vars)));
  });
  linker.define_function(env, "get-arguments", [&h](Args&) -> Out {
    std::vector<Value> args;
    for (const std::string& a : h.context.args()) args.push_back(Value::string(a));
    return some(Value::list(std::move(args)));
  });
  linker.define_function(env, "initial-cwd", [](Args&) -> Out { return some(Value::none()); });

  std::string exit = "wasi:cli/exit@" + version;
  linker.define_function(exit, "exit", [&h](Args& a) -> Out {
    int code = a[0].discriminant() == 0 ? 0 : 1;
    h.context.set_exit_code(code);
    return Error::make_exit(code);
  });
  linker.define_function(exit, "exit-with-code", [&h](Args& a) -> Out {
    int code = static_cast<int>(a[0].bits & 0xff);
    h.context.set_exit_code(code);
    return Error::make_exit(code);
  });

  auto stdio = [&](const char* iface, const char* fn, uint32_t guest_fd, bool input) {
    linker.define_function("wasi:cli/" + std::string(iface) + "@" + version, fn,
                           [&h, guest_fd, input](Args&) -> Out {
                             int fd = stdio_fd(h, guest_fd);
                             if (input) {
                               P2InputStream s;
                               s.fd = fd;
                               return some(Value::own(h.input_type, h.inputs.add(std::move(s))));
                             }
                             P2OutputStream s;
                             s.fd = fd;
                             return some(Value::own(h.output_type, h.outputs.add(std::move(s))));
                           });
  };
  stdio("stdin", "get-stdin", 0, true);
  stdio("stdout", "get-stdout", 1, false);
  stdio("stderr", "get-stderr", 2, false);

  // Terminals: a component is never told its stdio is one (no escape sequences to the host's
  // terminal without the host knowing).
  linker.define_resource("wasi:cli/terminal-input@" + version, "terminal-input");
  linker.define_resource("wasi:cli/terminal-output@" + version, "terminal-output");
  linker.define_function("wasi:cli/terminal-stdin@" + version, "get-terminal-stdin",
                         [](Args&) -> Out { return some(Value::none()); });
  linker.define_function("wasi:cli/terminal-stdout@" + version, "get-terminal-stdout",
                         [](Args&) -> Out { return some(Value::none()); });
  linker.define_function("wasi:cli/terminal-stderr@" + version, "get-terminal-stderr",
                         [](Args&) -> Out { return some(Value::none()); });
}

void define_clocks_random(ComponentLinker& linker, Host& h, const std::string& version) {
  std::string wall = "wasi:clocks/wall-clock@" + version;
  linker.define_function(wall, "now", [](Args&) -> Out {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return some(datetime(ts));
  });
  linker.define_function(wall, "resolution", [](Args&) -> Out {
    timespec ts{};
    ::clock_getres(CLOCK_REALTIME, &ts);
    return some(datetime(ts));
  });

  std::string mono = "wasi:clocks/monotonic-clock@" + version;
  linker.define_function(mono, "now",
                         [](Args&) -> Out { return some(Value::u64(monotonic_now_ns())); });
  linker.define_function(mono, "resolution", [](Args&) -> Out {
    timespec ts{};
    ::clock_getres(CLOCK_MONOTONIC, &ts);
    return some(Value::u64(static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 +
                           static_cast<uint64_t>(ts.tv_nsec)));
  });
  linker.define_function(mono, "subscribe-instant", [&h](Args& a) -> Out {
    P2Pollable p;
    p.deadline_ns = a[0].as_u64();
    return some(Value::own(h.pollable_type, h.pollables.add(p)));
  });
  linker.define_function(mono, "subscribe-duration", [&h](Args& a) -> Out {
    P2Pollable p;
    uint64_t now = monotonic_now_ns();
    uint64_t d = a[0].as_u64();
    p.deadline_ns = d > UINT64_MAX - now ? UINT64_MAX : now + d;
    return some(Value::own(h.pollable_type, h.pollables.add(p)));
  });

  auto bytes_fn = [](Args& a) -> Out {
    uint64_t n = a[0].as_u64();
    if (n > kMaxRandomBytes) {
      return Error::make_trap(TrapKind::HostTrap, "wasi:random: " + std::to_string(n) +
                                                      " bytes asked at once (at most 16 MiB)");
    }
    return some(byte_list(random_bytes(n)));
  };
  linker.define_function("wasi:random/random@" + version, "get-random-bytes", bytes_fn);
  linker.define_function("wasi:random/random@" + version, "get-random-u64",
                         [](Args&) -> Out { return some(Value::u64(random_u64())); });
  linker.define_function("wasi:random/insecure@" + version, "get-insecure-random-bytes", bytes_fn);
  linker.define_function("wasi:random/insecure@" + version, "get-insecure-random-u64",
                         [](Args&) -> Out { return some(Value::u64(random_u64())); });
  linker.define_function("wasi:random/insecure-seed@" + version, "insecure-seed", [](Args&) -> Out {
    return some(Value::tuple({Value::u64(random_u64()), Value::u64(random_u64())}));
  });
}

}  // namespace ironclad::wasi::p2
