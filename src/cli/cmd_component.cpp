// `ironclad component wit|inspect FILE`: what a component is, without running it
// (docs/components.md).
//
//   ironclad component wit FILE.wasm            the world it implements, as WIT
//   ironclad component inspect FILE [--json]    inner modules, sizes, custom sections,
//                                                imports and exports
//   ironclad component spectest FILE.json...     Component Model test scripts converted by
//                                                tests/component/tools/wast_to_json.mjs
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/component_spectest.h"
#include "cli/exit_status.h"
#include "cli/tier_selection.h"
#include "component/loader.h"
#include "component/wit.h"

namespace ironclad::cli {

namespace {

using component::Component;

std::string hex_bytes(const uint8_t* data, size_t size) {
  std::string s;
  for (size_t i = 0; i < size; ++i) s += fmt::format("{:02x}", data[i]);
  return s;
}

// Custom sections this small are shown whole (the editor's API version is 6 bytes).
constexpr size_t kShownCustomBytes = 64;

nlohmann::json custom_json(const std::string& name, uint32_t offset, uint32_t size,
                           const uint8_t* data) {
  nlohmann::json j{{"name", name}, {"offset", offset}, {"size", size}};
  if (size <= kShownCustomBytes) j["data_hex"] = hex_bytes(data, size);
  return j;
}

nlohmann::json extern_json(const std::string& name, const component::ExternType& t) {
  nlohmann::json j{{"name", name},
                   {"sort", t.sort == component::Sort::Core ? "core module" : to_string(t.sort)}};
  if (t.sort == component::Sort::Func) j["type"] = component::wit_func(*t.func);
  if (t.sort == component::Sort::Instance) {
    nlohmann::json exports = nlohmann::json::array();
    for (const component::NamedExtern& e : t.instance->exports)
      exports.push_back(extern_json(e.name, e.type));
    j["exports"] = exports;
  }
  if (t.sort == component::Sort::Type) {
    j["type"] = t.type_is_sub_resource ? "resource" : to_string(t.type.kind);
  }
  return j;
}

nlohmann::json component_json(const Component& c) {
  nlohmann::json j;
  j["offset"] = c.offset;
  j["size"] = c.size;
  nlohmann::json modules = nlohmann::json::array();
  for (size_t i = 0; i < c.core_modules.size(); ++i) {
    const component::CoreModuleDef& m = c.core_modules[i];
    nlohmann::json mj{{"index", i},
                      {"name", m.name},
                      {"offset", m.offset},
                      {"size", m.size},
                      {"functions", m.module->func_types.size()},
                      {"imported_functions", m.module->num_imported_funcs}};
    nlohmann::json imports = nlohmann::json::array();
    for (const wasm::Import& imp : m.module->imports) {
      imports.push_back(
          {{"module", imp.module}, {"name", imp.field}, {"kind", wasm::to_string(imp.kind)}});
    }
    nlohmann::json exports = nlohmann::json::array();
    for (const wasm::Export& e : m.module->exports) {
      exports.push_back({{"name", e.name}, {"kind", wasm::to_string(e.kind)}});
    }
    nlohmann::json customs = nlohmann::json::array();
    for (const wasm::CustomSection& cs : m.module->customs) {
      customs.push_back(
          custom_json(cs.name, m.offset + cs.offset, cs.size, m.module->bytes.data() + cs.offset));
    }
    mj["imports"] = imports;
    mj["exports"] = exports;
    mj["custom_sections"] = customs;
    modules.push_back(mj);
  }
  j["core_modules"] = modules;
  nlohmann::json nested = nlohmann::json::array();
  for (const auto& n : c.components) nested.push_back(component_json(*n));
  j["components"] = nested;
  nlohmann::json customs = nlohmann::json::array();
  for (const component::CustomSectionDef& cs : c.customs) {
    customs.push_back(custom_json(cs.name, cs.offset, cs.size, cs.data.data()));
  }
  j["custom_sections"] = customs;
  nlohmann::json imports = nlohmann::json::array();
  for (const component::ImportDef& i : c.imports)
    imports.push_back(extern_json(i.name.text, i.type));
  j["imports"] = imports;
  nlohmann::json exports = nlohmann::json::array();
  for (const component::ExportDef& e : c.exports)
    exports.push_back(extern_json(e.name.text, e.type));
  j["exports"] = exports;
  size_t lifts = 0, lowers = 0, resources = 0;
  for (const component::CanonDef& d : c.canons) {
    if (d.kind == component::CanonDef::Kind::Lift) {
      ++lifts;
    } else if (d.kind == component::CanonDef::Kind::Lower) {
      ++lowers;
    } else {
      ++resources;
    }
  }
  j["canon"] = {{"lift", lifts}, {"lower", lowers}, {"resource_builtins", resources}};
  j["core_instances"] = c.core_instances.size();
  j["instances"] = c.instances.size();
  return j;
}

void print_text(const Component& c, const std::string& indent) {
  fmt::print("{}component at offset {:#x}, {} bytes\n", indent, c.offset, c.size);
  for (size_t i = 0; i < c.core_modules.size(); ++i) {
    const component::CoreModuleDef& m = c.core_modules[i];
    fmt::print(
        "{}  core module {} ({}): offset {:#x}, {} bytes, {} functions, {} imports, {} exports\n",
        indent, i, m.name, m.offset, m.size, m.module->func_types.size(), m.module->imports.size(),
        m.module->exports.size());
    for (const wasm::CustomSection& cs : m.module->customs) {
      fmt::print("{}    custom section {}: {} bytes\n", indent, cs.name, cs.size);
    }
  }
  for (const auto& n : c.components) print_text(*n, indent + "  ");
  for (const component::CustomSectionDef& cs : c.customs) {
    fmt::print("{}  custom section {}: {} bytes\n", indent, cs.name, cs.size);
  }
  for (const component::ImportDef& i : c.imports) {
    fmt::print("{}  import {}: {}\n", indent, i.name.text, describe(i.type));
  }
  for (const component::ExportDef& e : c.exports) {
    fmt::print("{}  export {}: {}\n", indent, e.name.text, describe(e.type));
  }
}

}  // namespace

void register_component_command(CLI::App& app, int& exit_status) {
  CLI::App* cmd = app.add_subcommand(
      "component", "Inspect WebAssembly components (the WIT world, inner modules)");
  cmd->require_subcommand(1);

  auto wit_file = std::make_shared<std::string>();
  CLI::App* wit = cmd->add_subcommand("wit", "Print the world a component implements, as WIT");
  wit->add_option("file", *wit_file, "Component file (.wasm)")->required();
  wit->footer("Exit status: 0 printed, 3 malformed or invalid component, 66 unreadable file.");
  wit->callback([wit_file, &exit_status] {
    auto c = component::load_component_file(*wit_file);
    if (!c.ok()) {
      report_error(*wit_file, c.error());
      exit_status = status_for(c.error());
      return;
    }
    std::fputs(component::world_wit(**c).c_str(), stdout);
    exit_status = exit_status::kOk;
  });

  auto inspect_file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* inspect = cmd->add_subcommand(
      "inspect", "Show a component's inner modules, custom sections, imports and exports");
  inspect->add_option("file", *inspect_file, "Component file (.wasm)")->required();
  inspect->add_flag("--json", *json, "One JSON object (offsets and sizes in bytes)");
  inspect->footer("Exit status: 0 shown, 3 malformed or invalid component, 66 unreadable file.");
  inspect->callback([inspect_file, json, &exit_status] {
    auto c = component::load_component_file(*inspect_file);
    if (!c.ok()) {
      report_error(*inspect_file, c.error());
      exit_status = status_for(c.error());
      return;
    }
    if (*json) {
      nlohmann::json j = component_json(**c);
      j["file"] = *inspect_file;
      std::puts(j.dump(2).c_str());
    } else {
      print_text(**c, "");
    }
    exit_status = exit_status::kOk;
  });

  struct SpectestArgs {
    std::vector<std::string> scripts;
    TierRequest tier;
    component_spectest::RunOptions options;
  };
  auto sargs = std::make_shared<SpectestArgs>();
  CLI::App* spectest =
      cmd->add_subcommand("spectest", "Run Component Model test scripts (converted to JSON)");
  spectest
      ->add_option("FILE.json", sargs->scripts,
                   "scripts written by tests/component/tools/wast_to_json.mjs")
      ->required();
  add_tier_options(spectest, sargs->tier, /*with_tier=*/true);
  spectest->add_flag(
      "--show-warnings", sargs->options.show_warnings,
      "print each error whose kind is right but whose text differs from the script's");
  spectest->footer(
      "Ends with the line `N passed, N failed, N skipped`. Exit status 0 iff nothing failed.");
  spectest->callback([sargs, &exit_status] {
    auto plan = plan_tier(sargs->tier, stderr);
    if (!plan.ok()) {
      std::fprintf(stderr, "ironclad: component spectest: %s\n", plan.error().message.c_str());
      exit_status = exit_status::kUsage;
      return;
    }
    sargs->options.tier = *plan;
    component_spectest::RunTotals all;
    for (const std::string& script : sargs->scripts) {
      auto t = component_spectest::run_script(script, sargs->options, stdout);
      all.passed += t.passed;
      all.failed += t.failed;
      all.skipped += t.skipped;
      all.warnings += t.warnings;
    }
    if (all.warnings > 0) {
      std::printf("%llu warnings: right kind of error, text differs from the script's%s\n",
                  static_cast<unsigned long long>(all.warnings),
                  sargs->options.show_warnings ? "" : " (--show-warnings lists them)");
    }
    std::printf(
        "%llu passed, %llu failed, %llu skipped\n", static_cast<unsigned long long>(all.passed),
        static_cast<unsigned long long>(all.failed), static_cast<unsigned long long>(all.skipped));
    std::fflush(stdout);
    exit_status = all.failed == 0 ? exit_status::kOk : 1;
  });
}

}  // namespace ironclad::cli
