// WASI 0.2 (the component-model WASI) for components: wasi:cli, wasi:io, wasi:clocks,
// wasi:filesystem, wasi:random, and wasi:sockets (linked, every call denied). It shares the
// preview1 implementation's capability-scoped file layer (path_resolve.h): a component reaches
// the host file system only inside the directories the WasiContext preopened, with the same
// escape rules; its arguments, environment and stdio come from the same WasiContext.
//
//   WasiContext wasi;                    // args, env, preopens, stdio as for preview1
//   Preview2Host p2(wasi);
//   ComponentLinker linker;
//   p2.add_to_linker(linker);            // every interface, at kPreview2Version
//   ... instantiate the component, call wasi:cli/run#run
//
// The interfaces are defined at kPreview2Version; the linker's semver rule links imports of
// every 0.2.x (0.2.0 through the newest) to them. Streams are blocking: `read` waits for data
// (a pollable is always ready but for clock subscriptions).
#pragma once

#include <memory>
#include <string>

#include "ironclad/component.h"
#include "ironclad/error.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {

inline constexpr const char* kPreview2Version = "0.2.12";

class Preview2Host {
 public:
  // `context` (args, env, stdio, preopens) must outlive this host, which must outlive the
  // instances linked with it.
  explicit Preview2Host(WasiContext& context);
  ~Preview2Host();
  Preview2Host(const Preview2Host&) = delete;
  Preview2Host& operator=(const Preview2Host&) = delete;

  // Defines every WASI 0.2 function and resource in `linker`.
  void add_to_linker(ComponentLinker& linker);
  // Let components use the network (not implemented: wasi:sockets calls are denied either way).
  bool network_allowed() const { return false; }

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace ironclad::wasi
