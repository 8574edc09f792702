#include "wasi/preview2.h"

#include "wasi/p2_state.h"

namespace ironclad::wasi {

Preview2Host::Preview2Host(WasiContext& context) : state_(std::make_unique<State>(context)) {}
Preview2Host::~Preview2Host() = default;

void Preview2Host::add_to_linker(ComponentLinker& linker) {
  std::string v = kPreview2Version;
  p2::define_io(linker, *state_, v);
  p2::define_cli(linker, *state_, v);
  p2::define_clocks_random(linker, *state_, v);
  p2::define_filesystem(linker, *state_, v);
  p2::define_sockets(linker, *state_, v);
  // wasi:http links too (a JS engine built by componentize-js imports it), but the host grants
  // no network: its functions trap ("not provided by the host") if ever called.
  for (const char* iface :
       {"wasi:http/types", "wasi:http/outgoing-handler", "wasi:http/incoming-handler"}) {
    linker.allow_missing(iface);
  }
}

}  // namespace ironclad::wasi
