// Manifests and loading: every manifest error names the file, the key and the problem; a
// broken extension in a directory does not stop the others from loading.
#include "host/manifest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "host/crash_report.h"
#include "host_test_support.h"

namespace ironclad::host_test {
namespace {

struct BadManifest {
  const char* what;
  std::string toml;
  std::string key;      // the key the error must name ("" for a syntax error)
  std::string problem;  // a phrase the error must contain
};

const std::string kGood =
    "id = \"calc\"\nname = \"Calculator\"\nversion = \"1.0.0\"\nwasm = \"calc.wasm\"\n";

// A host running everything in the interpreter (these tests are not about tiers).
HostConfig interp_config(const fs::path& data_dir, EventLog* events = nullptr) {
  HostConfig config;
  config.data_dir = data_dir;
  config.tier = "interp";
  if (events) config.on_event = events->sink();
  return config;
}

std::vector<BadManifest> bad_manifests() {
  return {
      {"idempotent not a boolean", kGood + "[exports]\nadd = { idempotent = \"yes\" }\n",
       "exports.add.idempotent", "expected a boolean, got string"},
      {"missing id", "name = \"x\"\nversion = \"1\"\nwasm = \"calc.wasm\"\n[exports]\nadd = {}\n",
       "id", "missing"},
      {"id not a string",
       "id = 3\nname = \"x\"\nversion = \"1\"\nwasm = \"calc.wasm\"\n"
       "[exports]\nadd = {}\n",
       "id", "expected a string, got integer"},
      {"id with capitals",
       "id = \"Calc\"\nname = \"x\"\nversion = \"1\"\nwasm = \"calc.wasm\"\n"
       "[exports]\nadd = {}\n",
       "id", "not a valid id"},
      {"missing version",
       "id = \"calc\"\nname = \"x\"\nwasm = \"calc.wasm\"\n[exports]\nadd = {}\n", "version",
       "missing"},
      {"unknown top-level key", kGood + "autor = \"me\"\n[exports]\nadd = {}\n", "autor",
       "unknown key"},
      {"unknown export key", kGood + "[exports]\nadd = { idempotnt = true }\n",
       "exports.add.idempotnt", "unknown key"},
      {"export not a table", kGood + "[exports]\nadd = true\n", "exports.add", "expected a table"},
      {"no exports table", kGood, "exports", "missing"},
      {"empty exports", kGood + "[exports]\n", "exports", "names no export"},
      {"wasm file missing",
       "id = \"calc\"\nname = \"x\"\nversion = \"1\"\nwasm = \"nope.wasm\"\n[exports]\nadd = {}\n",
       "wasm", "does not exist"},
      {"wasm outside the directory",
       "id = \"calc\"\nname = \"x\"\nversion = \"1\"\nwasm = \"../calc.wasm\"\n[exports]\nadd = "
       "{}\n",
       "wasm", "outside the extension directory"},
      {"export the module lacks", kGood + "[exports]\nadd = {}\nsubtract = {}\n",
       "exports.subtract", "has no export 'subtract'"},
      {"export that is not a function", kGood + "[exports]\nversion = {}\n", "exports.version",
       "not a function"},
  };
}

TEST(Manifest, EveryErrorNamesTheFileTheKeyAndTheProblem) {
  TempDir tmp;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data"));
  ASSERT_TRUE(host.ok()) << host.error().describe();
  int n = 0;
  for (const BadManifest& bad : bad_manifests()) {
    SCOPED_TRACE(bad.what);
    fs::path dir = tmp.path() / ("ext" + std::to_string(n++));
    fs::create_directories(dir);
    fs::copy_file(fixture("host_plain.wasm"), dir / "calc.wasm");
    fs::copy_file(fixture("host_plain.wasm"), tmp.path() / "calc.wasm",
                  fs::copy_options::overwrite_existing);
    write_text(dir / "extension.toml", bad.toml);
    auto loaded = (*host)->load(dir);
    ASSERT_FALSE(loaded.ok());
    const std::string& message = loaded.error().message;
    EXPECT_EQ(loaded.error().kind, ErrorKind::Invalid) << message;
    EXPECT_NE(message.find((dir / "extension.toml").string() + ": "), std::string::npos) << message;
    EXPECT_NE(message.find("key '" + bad.key + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(bad.problem), std::string::npos) << message;
  }
}

TEST(Manifest, SyntaxErrorsGiveLineAndColumn) {
  TempDir tmp;
  fs::path file = tmp.path() / "extension.toml";
  auto parsed = host::parse_manifest("id = \"calc\"\nname = = 3\n", file, tmp.path());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(parsed.error().message.rfind(file.string() + ":2:", 0), 0u) << parsed.error().message;
}

TEST(Manifest, AGoodManifestGivesEveryField) {
  TempDir tmp;
  fs::copy_file(fixture("host_plain.wasm"), tmp.path() / "calc.wasm");
  auto m = host::parse_manifest(kGood + "[exports]\nadd = { idempotent = true }\ntrap = {}\n",
                                tmp.path() / "extension.toml", tmp.path());
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->id, "calc");
  EXPECT_EQ(m->name, "Calculator");
  EXPECT_EQ(m->version, "1.0.0");
  EXPECT_EQ(m->wasm, fs::canonical(tmp.path() / "calc.wasm"));
  ASSERT_NE(m->find_export("add"), nullptr);
  EXPECT_TRUE(m->find_export("add")->idempotent);
  ASSERT_NE(m->find_export("trap"), nullptr);
  EXPECT_FALSE(m->find_export("trap")->idempotent);
  EXPECT_EQ(m->find_export("sub"), nullptr);
}

TEST(Manifest, MissingManifestIsAnIoErrorNamingTheFile) {
  TempDir tmp;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data"));
  ASSERT_TRUE(host.ok());
  auto loaded = (*host)->load(tmp.path() / "nothing-here");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().kind, ErrorKind::Io);
  EXPECT_NE(loaded.error().message.find("extension.toml"), std::string::npos);
}

// A dotted key of 60,000 parts (120 KB) overflowed the stack inside libtomlplusplus: the
// host died for one bad manifest. Refused before the parser sees it.
TEST(Manifest, ADeeplyDottedKeyIsRefusedNotACrash) {
  TempDir tmp;
  std::string parts;
  for (int i = 0; i < 60000; ++i) parts += i ? ".a" : "a";
  for (const std::string& text :
       {"[" + parts + "]\n", parts + " = 1\n", kGood + "[exports]\n" + parts + " = {}\n"}) {
    auto parsed = host::parse_manifest(text, tmp.path() / "extension.toml", tmp.path());
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid);
    EXPECT_NE(parsed.error().message.find("line "), std::string::npos) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("dotted key with more than 64 parts"),
              std::string::npos)
        << parsed.error().message;
  }
}

TEST(Manifest, DotsInStringsCommentsAndValuesAreNotKeyParts) {
  TempDir tmp;
  fs::copy_file(fixture("host_plain.wasm"), tmp.path() / "calc.wasm");
  std::string dots(200, '.');
  std::string text = "id = \"calc\"\nname = \"" + dots + "\" # " + dots + "\nversion = '''" +
                     dots + "\n" + dots + "'''\nwasm = \"./calc.wasm\"\n" +
                     "[exports]\nadd = { idempotent = true }\n";
  auto m = host::parse_manifest(text, tmp.path() / "extension.toml", tmp.path());
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->name, dots);
}

// A manifest must be a regular file of at most 1 MiB: a symlink to /dev/zero read without
// end, a FIFO blocked the host forever.
TEST(Manifest, OnlyASmallRegularFileIsRead) {
  TempDir tmp;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data"));
  ASSERT_TRUE(host.ok());
  fs::path root = tmp.path() / "extensions";
  fs::path zero = root / "zero", fifo = root / "fifo", big = root / "big";
  for (const fs::path& dir : {zero, fifo, big}) fs::create_directories(dir);
  fs::create_symlink("/dev/zero", zero / "extension.toml");
  ASSERT_EQ(::mkfifo((fifo / "extension.toml").c_str(), 0600), 0);
  write_text(big / "extension.toml", kGood + "# " + std::string(2 << 20, 'x') + "\n");
  for (const fs::path& dir : {zero, fifo, big}) {
    SCOPED_TRACE(dir.string());
    auto loaded = (*host)->load(dir);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::Invalid) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find((dir / "extension.toml").string()), std::string::npos)
        << loaded.error().message;
  }
  std::vector<Error> errors;
  EXPECT_TRUE((*host)->load_all(root, &errors).empty());
  EXPECT_EQ(errors.size(), 3u) << "each bad manifest is reported, none skipped unseen";
}

// The wasm path was checked lexically only: a symlink inside the extension directory (to the
// file, or to a directory on the way) loaded a module from anywhere.
TEST(Manifest, AWasmPathLeadingOutThroughASymlinkIsRefused) {
  TempDir tmp;
  fs::path outside = tmp.path() / "outside";
  fs::path ext = tmp.path() / "ext";
  fs::create_directories(outside);
  fs::create_directories(ext / "real");
  fs::copy_file(fixture("host_plain.wasm"), outside / "calc.wasm");
  fs::copy_file(fixture("host_plain.wasm"), ext / "real" / "calc.wasm");
  fs::create_symlink(outside / "calc.wasm", ext / "file_link.wasm");
  fs::create_symlink("../outside", ext / "dir_link");
  fs::create_symlink("real/calc.wasm", ext / "inside_link.wasm");
  auto manifest_for = [&](const std::string& wasm) {
    return host::parse_manifest("id = \"calc\"\nname = \"x\"\nversion = \"1\"\nwasm = \"" + wasm +
                                    "\"\n[exports]\nadd = {}\n",
                                ext / "extension.toml", ext);
  };
  for (const char* escaping : {"file_link.wasm", "dir_link/calc.wasm"}) {
    SCOPED_TRACE(escaping);
    auto m = manifest_for(escaping);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().kind, ErrorKind::Invalid);
    EXPECT_NE(m.error().message.find("key 'wasm'"), std::string::npos) << m.error().message;
    EXPECT_NE(m.error().message.find("leads outside the extension directory"), std::string::npos)
        << m.error().message;
  }
  // A link that stays inside is fine, and the host loads the file it leads to.
  auto inside = manifest_for("inside_link.wasm");
  ASSERT_TRUE(inside.ok()) << inside.error().describe();
  EXPECT_EQ(inside->wasm, fs::canonical(ext / "real" / "calc.wasm"));
}

TEST(Loading, ImportsBeyondWasiFailWithALinkErrorNamingThemAll) {
  TempDir tmp;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data"));
  ASSERT_TRUE(host.ok());
  fs::path dir = make_extension(tmp.path(), "foreign", "host_foreign.wasm", "add = {}\n");
  auto loaded = (*host)->load(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().kind, ErrorKind::Link);
  EXPECT_NE(loaded.error().message.find("\"env\" \"render\""), std::string::npos)
      << loaded.error().message;
  EXPECT_NE(loaded.error().message.find("\"env\" \"log\""), std::string::npos)
      << loaded.error().message;
}

TEST(Loading, LoadAllSkipsABrokenExtensionAndLoadsTheRest) {
  TempDir tmp;
  EventLog events;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data", &events));
  ASSERT_TRUE(host.ok());
  fs::path root = tmp.path() / "extensions";
  make_extension(root, "alpha", "host_plain.wasm", "add = { idempotent = true }\n");
  fs::path broken = make_extension(root, "beta", "host_plain.wasm", "add = { idempotent = 1 }\n");
  make_extension(root, "gamma", "host_plain.wasm", "add = {}\n");
  fs::create_directories(root / "not-an-extension");  // no extension.toml: not a candidate

  std::vector<Error> errors;
  std::vector<Extension*> loaded = (*host)->load_all(root, &errors);
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0]->manifest().id, "alpha");
  EXPECT_EQ(loaded[1]->manifest().id, "gamma");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find((broken / "extension.toml").string()), std::string::npos);
  EXPECT_NE(errors[0].message.find("exports.add.idempotent"), std::string::npos);
  EXPECT_EQ((*host)->find("beta"), nullptr);
  EXPECT_EQ(events.count(HostEventKind::Loaded), 2u);

  Value args[] = {Value::from_i32(2), Value::from_i32(40)};
  auto sum = (*host)->find("gamma")->call("add", args);
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i32, 42u);
}

TEST(Loading, ACExtensionBuiltWithWasiLibcRunsWithItsIdAsArguments) {
  TempDir tmp;
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    HostConfig config = interp_config(tmp.path() / "data");
    config.tier = tier;
    auto host = ExtensionHost::create(config);
    ASSERT_TRUE(host.ok());
    auto ext = (*host)->load(make_extension(tmp.path(), "creact", "host_reactor.wasm",
                                            "greet_len = { idempotent = true }\n"
                                            "args_shape = { idempotent = true }\n"));
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    Value three[] = {Value::from_i32(3)};
    auto greeted = (*ext)->call("greet_len", three);
    ASSERT_TRUE(greeted.ok()) << greeted.error().describe();
    EXPECT_EQ((*greeted)[0].i32, 8u);
    auto shape = (*ext)->call("args_shape", {});
    ASSERT_TRUE(shape.ok()) << shape.error().describe();
    EXPECT_EQ((*shape)[0].i32, 1000u + sizeof("creact"));  // one argument: the id
  }
}

TEST(Loading, AnIdLoadedTwiceIsRefused) {
  TempDir tmp;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data"));
  ASSERT_TRUE(host.ok());
  fs::path first = make_extension(tmp.path() / "a", "calc", "host_plain.wasm", "add = {}\n");
  fs::path second = make_extension(tmp.path() / "b", "calc", "host_plain.wasm", "add = {}\n");
  ASSERT_TRUE((*host)->load(first).ok());
  auto again = (*host)->load(second);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already loaded"), std::string::npos);
}

TEST(Calls, OnlyManifestExportsWithTheirTypesCanBeCalled) {
  TempDir tmp;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "data"));
  ASSERT_TRUE(host.ok());
  auto ext = (*host)->load(make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n"));
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  auto unlisted = (*ext)->call("trap", {});
  ASSERT_FALSE(unlisted.ok());
  EXPECT_EQ(unlisted.error().kind, ErrorKind::Usage);
  EXPECT_NE(unlisted.error().message.find("'trap'"), std::string::npos);
  Value wrong[] = {Value::from_i64(1), Value::from_i32(2)};
  auto mistyped = (*ext)->call("add", wrong);
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.error().kind, ErrorKind::Usage) << mistyped.error().describe();
}

// HostConfig::max_instance_bytes reaches every instance an extension gets.
TEST(Host, TheInstanceBudgetIsTheEmbeddersToSet) {
  TempDir tmp;
  HostConfig config = interp_config(tmp.path() / "data");
  config.max_instance_bytes = 1000;  // less than the module's one page of memory
  auto host = ExtensionHost::create(config);
  ASSERT_TRUE(host.ok());
  fs::path dir = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  auto loaded = (*host)->load(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().kind, ErrorKind::Exhausted);
  EXPECT_NE(loaded.error().message.find("instance's budget for memories and tables (1000 of "
                                        "1000 bytes)"),
            std::string::npos)
      << loaded.error().message;
  EXPECT_GT(HostConfig{}.max_instance_bytes, uint64_t{4} << 30);
}

// HostConfig's JIT input limits: an extension beyond them runs in the interpreter, with a note.
// They bound the whole-module JIT's compile (the tiered tier, the default, compiles in
// batches of bounded size and is not limited by them).
TEST(Host, AnExtensionTooLargeForTheJitRunsInTheInterpreter) {
  TempDir tmp;
  EventLog events;
  HostConfig config = interp_config(tmp.path() / "data", &events);
  config.tier = "jit";
  config.jit_max_functions = 1;
  auto host = ExtensionHost::create(config);
  ASSERT_TRUE(host.ok());
  fs::path dir = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  auto loaded = (*host)->load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  ExtensionStatus status = (*loaded)->status();
  EXPECT_EQ(status.tier, "interp");
  EXPECT_NE(status.reason.find("too large for the JIT"), std::string::npos) << status.reason;
  EXPECT_EQ(events.count(HostEventKind::Note), 1u);
  Value args[] = {Value::from_i32(2), Value::from_i32(40)};
  auto sum = (*loaded)->call("add", args);
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i32, 42u);
}

// HostConfig::call_timeout: a call into an extension ends at its deadline, time blocked in a
// host call (a 30 s poll_oneoff sleep) included, with a Timeout error; the extension is not
// blamed (no restart, no disabling) and its next call has a deadline of its own. Both tiers.
TEST(Host, ACallEndsAtItsDeadlineEvenAsleepInAHostCall) {
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    TempDir tmp;
    EventLog events;
    HostConfig config = interp_config(tmp.path() / "data", &events);
    config.tier = tier;
    config.call_timeout = std::chrono::milliseconds(200);
    auto host = ExtensionHost::create(config);
    ASSERT_TRUE(host.ok()) << host.error().describe();
    auto ext = (*host)->load(make_extension(tmp.path(), "sleeper", "host_sleeper.wasm",
                                            "sleep = {}\nspin = {}\nadd = {}\n"));
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    for (const char* name : {"sleep", "spin"}) {
      SCOPED_TRACE(name);
      auto start = std::chrono::steady_clock::now();
      auto r = (*ext)->call(name, {});
      auto took = std::chrono::steady_clock::now() - start;
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
      EXPECT_NE(r.error().message.find("deadline exceeded"), std::string::npos)
          << r.error().message;
      EXPECT_GE(took, std::chrono::milliseconds(200));
      EXPECT_LT(took, std::chrono::seconds(15)) << "the call ran on past its deadline";
    }
    Value args[] = {Value::from_i32(2), Value::from_i32(40)};
    auto sum = (*ext)->call("add", args);
    ASSERT_TRUE(sum.ok()) << sum.error().describe();
    EXPECT_EQ((*sum)[0].i32, 42u);
    // Counted in its status, with the last one; an event each; not a fault: no incident,
    // nothing demoted, and only a limit report (limit_report_test.cpp), no crash report.
    ExtensionStatus s = (*ext)->status();
    EXPECT_EQ(s.timeouts, 2u);
    ASSERT_TRUE(s.last_timeout.has_value());
    EXPECT_EQ(s.last_timeout->export_name, "spin");
    EXPECT_EQ(s.last_timeout->limit, 200u);
    EXPECT_NE(s.last_timeout->message.find("deadline exceeded"), std::string::npos);
    EXPECT_EQ(s.memory_refusals, 0u);
    EXPECT_TRUE(s.incidents.empty());
    EXPECT_EQ(s.state, ExtensionState::Running);
    EXPECT_EQ(events.count(HostEventKind::Timeout), 2u);
    EXPECT_EQ(events.count(HostEventKind::Restarted), 0u);
    auto store = host::CrashStore::open(tmp.path() / "data");
    ASSERT_TRUE(store.ok());
    auto reports = (*store)->all();
    ASSERT_TRUE(reports.ok());
    for (const host::CrashReport& r : *reports)
      EXPECT_EQ(r.kind, "Timeout") << "a crash report for a timeout: " << r.id;
  }
  EXPECT_EQ(HostConfig{}.call_timeout.count(), 0) << "no deadline unless the embedder sets one";
}

// A memory.grow refused at HostConfig::max_instance_bytes is no error of the call (the guest
// gets -1), but the status counts it and names the call, and an event says so. Both tiers.
TEST(Host, AMemoryRefusalShowsInTheStatus) {
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    TempDir tmp;
    EventLog events;
    HostConfig config = interp_config(tmp.path() / "data", &events);
    config.tier = tier;
    config.max_instance_bytes = 2 * 65536;  // the module has 1 page: room for one more
    auto host = ExtensionHost::create(config);
    ASSERT_TRUE(host.ok()) << host.error().describe();
    auto ext = (*host)->load(make_extension(tmp.path(), "grower", "host_sleeper.wasm",
                                            "grow = {}\n"));
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    Value one[] = {Value::from_i32(1)};
    auto grown = (*ext)->call("grow", one);
    ASSERT_TRUE(grown.ok()) << grown.error().describe();
    EXPECT_EQ((*grown)[0].i32, 1u) << "within the cap";
    EXPECT_EQ((*ext)->status().memory_refusals, 0u);
    EXPECT_EQ(events.count(HostEventKind::MemoryRefused), 0u);
    Value three[] = {Value::from_i32(3)};
    auto refused = (*ext)->call("grow", three);
    ASSERT_TRUE(refused.ok()) << refused.error().describe();
    EXPECT_EQ((*refused)[0].i32, uint32_t(-1));
    ExtensionStatus s = (*ext)->status();
    EXPECT_EQ(s.memory_refusals, 1u);
    ASSERT_TRUE(s.last_memory_refusal.has_value());
    EXPECT_EQ(s.last_memory_refusal->export_name, "grow");
    EXPECT_EQ(s.last_memory_refusal->limit, 2u * 65536);
    EXPECT_EQ(s.last_memory_refusal->message, "a growth by 196608 bytes (1 refused in this call)");
    EXPECT_EQ(s.timeouts, 0u);
    EXPECT_TRUE(s.incidents.empty());
    auto refusal_events = events.of(HostEventKind::MemoryRefused);
    ASSERT_EQ(refusal_events.size(), 1u);
    EXPECT_NE(refusal_events[0].message.find("refused 1 time in grow: the cap is 131072 bytes"),
              std::string::npos)
        << refusal_events[0].message;
  }
}

TEST(Host, BadConfigurationIsAUsageError) {
  TempDir tmp;
  HostConfig bad_policy = interp_config(tmp.path());
  bad_policy.policy = "fastest";
  EXPECT_EQ(ExtensionHost::create(bad_policy).error().kind, ErrorKind::Usage);
  HostConfig bad_cpu = interp_config(tmp.path());
  bad_cpu.emulate_cpu = "pentium9";
  EXPECT_EQ(ExtensionHost::create(bad_cpu).error().kind, ErrorKind::Usage);
}

TEST(Host, AnUnusableDataDirectoryIsAWarningNotAFailure) {
  TempDir tmp;
  write_text(tmp.path() / "file", "not a directory");
  EventLog events;
  auto host = ExtensionHost::create(interp_config(tmp.path() / "file" / "data", &events));
  ASSERT_TRUE(host.ok()) << host.error().describe();
  EXPECT_GE(events.count(HostEventKind::Warning), 1u);
  auto ext = (*host)->load(make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n"));
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  Value args[] = {Value::from_i32(1), Value::from_i32(2)};
  auto sum = (*ext)->call("add", args);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ((*sum)[0].i32, 3u);
}

}  // namespace
}  // namespace ironclad::host_test
