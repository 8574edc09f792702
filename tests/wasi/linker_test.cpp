// add_to_linker defines every preview1 import with its witx type, and proc_exit unwinds
// with an Exit error carrying the code.
#include <gtest/gtest.h>

#include "runtime/runtime.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

// Host functions are called directly here; wasm code never runs.
class NoWasmTier : public runtime::Tier {
 public:
  const char* name() const override { return "none"; }
  Result<void> call(runtime::Store&, runtime::FunctionInstance&, const Value*, Value*) override {
    return Error::make(ErrorKind::Internal, "this test tier runs no wasm");
  }
};

struct Expected {
  const char* name;
  const char* params;  // one letter per param: i = i32, I = i64
  bool returns_errno;
};

// The preview1 witx signatures (wasm32).
constexpr Expected kPreview1[] = {
    {"args_get", "ii", true},          {"args_sizes_get", "ii", true},
    {"environ_get", "ii", true},       {"environ_sizes_get", "ii", true},
    {"clock_res_get", "ii", true},     {"clock_time_get", "iIi", true},
    {"fd_advise", "iIIi", true},       {"fd_allocate", "iII", true},
    {"fd_close", "i", true},           {"fd_datasync", "i", true},
    {"fd_fdstat_get", "ii", true},     {"fd_fdstat_set_flags", "ii", true},
    {"fd_fdstat_set_rights", "iII", true}, {"fd_filestat_get", "ii", true},
    {"fd_filestat_set_size", "iI", true},  {"fd_filestat_set_times", "iIIi", true},
    {"fd_pread", "iiiIi", true},       {"fd_prestat_get", "ii", true},
    {"fd_prestat_dir_name", "iii", true}, {"fd_pwrite", "iiiIi", true},
    {"fd_read", "iiii", true},         {"fd_readdir", "iiiIi", true},
    {"fd_renumber", "ii", true},       {"fd_seek", "iIii", true},
    {"fd_sync", "i", true},            {"fd_tell", "ii", true},
    {"fd_write", "iiii", true},        {"path_create_directory", "iii", true},
    {"path_filestat_get", "iiiii", true}, {"path_filestat_set_times", "iiiiIIi", true},
    {"path_link", "iiiiiii", true},    {"path_open", "iiiiiIIii", true},
    {"path_readlink", "iiiiii", true}, {"path_remove_directory", "iii", true},
    {"path_rename", "iiiiii", true},   {"path_symlink", "iiiii", true},
    {"path_unlink_file", "iii", true}, {"poll_oneoff", "iiii", true},
    {"proc_exit", "i", false},         {"proc_raise", "i", true},
    {"sched_yield", "", true},         {"random_get", "ii", true},
    {"sock_accept", "iii", true},      {"sock_recv", "iiiiii", true},
    {"sock_send", "iiiii", true},      {"sock_shutdown", "ii", true},
};

class WasiLinkerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(add_to_linker(linker_, store_, wasi_).ok()); }
  runtime::FunctionInstance* func(const char* name) {
    const runtime::Extern* e = linker_.find(kPreview1Module, name);
    return e ? e->func : nullptr;
  }
  runtime::Store store_{std::make_unique<NoWasmTier>()};
  runtime::Linker linker_;
  WasiContext wasi_;
};

TEST_F(WasiLinkerTest, DefinesEveryPreview1FunctionWithItsType) {
  for (const Expected& want : kPreview1) {
    SCOPED_TRACE(want.name);
    runtime::FunctionInstance* f = func(want.name);
    ASSERT_NE(f, nullptr);
    std::vector<ValType> params;
    for (const char* p = want.params; *p; ++p) params.push_back(*p == 'i' ? ValType::I32 : ValType::I64);
    EXPECT_EQ(f->type->params, params);
    EXPECT_EQ(f->type->results,
              want.returns_errno ? std::vector<ValType>{ValType::I32} : std::vector<ValType>{});
  }
}

TEST_F(WasiLinkerTest, ProcExitUnwindsWithItsCode) {
  runtime::FunctionInstance* f = func("proc_exit");
  ASSERT_NE(f, nullptr);
  runtime::HostContext host{store_, nullptr};
  Value arg = Value::from_i32(42);
  Result<void> r = f->host(host, &arg, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exit);
  EXPECT_EQ(r.error().exit_code, 42);
  EXPECT_EQ(wasi_.exit_code(), 42);
}

TEST_F(WasiLinkerTest, CallerWithoutMemoryGetsEFaultNotACrash) {
  runtime::FunctionInstance* f = func("args_sizes_get");
  runtime::HostContext host{store_, nullptr};
  Value args[2] = {Value::from_i32(0), Value::from_i32(4)};
  Value result;
  ASSERT_TRUE(f->host(host, args, &result).ok());
  EXPECT_EQ(result.i32, static_cast<uint32_t>(Errno::Fault));
}

TEST_F(WasiLinkerTest, UnsupportedFunctionsAnswerENoSys) {
  runtime::FunctionInstance* f = func("proc_raise");
  runtime::HostContext host{store_, nullptr};
  Value args[1] = {Value::from_i32(9)};
  Value result;
  ASSERT_TRUE(f->host(host, args, &result).ok());
  EXPECT_EQ(result.i32, static_cast<uint32_t>(Errno::NoSys));
}

// No sockets are offered, but the sock_* calls answer as POSIX would for the fd they get
// (wasi-testsuite's sock_shutdown-invalid_fd and -not_sock): EBADF, then ENOTSOCK.
TEST_F(WasiLinkerTest, SocketCallsOnWhatIsNoSocketAnswerEBadFOrENotSock) {
  runtime::HostContext host{store_, nullptr};
  Value result;
  Value shutdown_args[2] = {Value::from_i32(99), Value::from_i32(2)};
  ASSERT_TRUE(func("sock_shutdown")->host(host, shutdown_args, &result).ok());
  EXPECT_EQ(result.i32, static_cast<uint32_t>(Errno::BadF));
  shutdown_args[0] = Value::from_i32(1);
  ASSERT_TRUE(func("sock_shutdown")->host(host, shutdown_args, &result).ok());
  EXPECT_EQ(result.i32, static_cast<uint32_t>(Errno::NotSock));
  Value accept_args[3] = {Value::from_i32(1), Value::from_i32(0), Value::from_i32(0)};
  ASSERT_TRUE(func("sock_accept")->host(host, accept_args, &result).ok());
  EXPECT_EQ(result.i32, static_cast<uint32_t>(Errno::NotSock));
}

}  // namespace
}  // namespace ironclad::wasi
