// wasi:sockets: every interface links, so that components built with networking support
// instantiate; every call that would reach the network answers `access-denied` (the host
// grants no network). A socket can never be created, so methods on one are never reached.
#include "wasi/p2_state.h"
#include "wasi/preview2.h"

namespace ironclad::wasi::p2 {

namespace {

// wasi:sockets/network's error-code: unknown, access-denied, ...
constexpr uint32_t kAccessDenied = 1;

Out denied(Args&) {
  return some(Value::err(Value::enumeration(kAccessDenied)));
}

}  // namespace

void define_sockets(ComponentLinker& linker, Host& h, const std::string& version) {
  std::string network = "wasi:sockets/network@" + version;
  h.network_type = linker.define_resource(network, "network");
  linker.define_function("wasi:sockets/instance-network@" + version, "instance-network",
                         [&h](Args&) -> Out { return some(Value::own(h.network_type, 1)); });
  linker.define_function("wasi:sockets/tcp-create-socket@" + version, "create-tcp-socket", denied);
  linker.define_function("wasi:sockets/udp-create-socket@" + version, "create-udp-socket", denied);
  std::string lookup = "wasi:sockets/ip-name-lookup@" + version;
  linker.define_resource(lookup, "resolve-address-stream");
  linker.define_function(lookup, "resolve-addresses", denied);
  for (const char* m : {"[method]resolve-address-stream.resolve-next-address",
                        "[method]resolve-address-stream.subscribe"}) {
    linker.define_function(lookup, m, denied);
  }
  std::string tcp = "wasi:sockets/tcp@" + version;
  linker.define_resource(tcp, "tcp-socket");
  for (const char* m : {"start-bind",
                        "finish-bind",
                        "start-connect",
                        "finish-connect",
                        "start-listen",
                        "finish-listen",
                        "accept",
                        "local-address",
                        "remote-address",
                        "is-listening",
                        "address-family",
                        "set-listen-backlog-size",
                        "keep-alive-enabled",
                        "set-keep-alive-enabled",
                        "keep-alive-idle-time",
                        "set-keep-alive-idle-time",
                        "keep-alive-interval",
                        "set-keep-alive-interval",
                        "keep-alive-count",
                        "set-keep-alive-count",
                        "hop-limit",
                        "set-hop-limit",
                        "receive-buffer-size",
                        "set-receive-buffer-size",
                        "send-buffer-size",
                        "set-send-buffer-size",
                        "subscribe",
                        "shutdown"}) {
    linker.define_function(tcp, std::string("[method]tcp-socket.") + m, denied);
  }
  std::string udp = "wasi:sockets/udp@" + version;
  for (const char* r : {"udp-socket", "incoming-datagram-stream", "outgoing-datagram-stream"})
    linker.define_resource(udp, r);
  for (const char* m :
       {"[method]udp-socket.start-bind", "[method]udp-socket.finish-bind",
        "[method]udp-socket.stream", "[method]udp-socket.local-address",
        "[method]udp-socket.remote-address", "[method]udp-socket.address-family",
        "[method]udp-socket.unicast-hop-limit", "[method]udp-socket.set-unicast-hop-limit",
        "[method]udp-socket.receive-buffer-size", "[method]udp-socket.set-receive-buffer-size",
        "[method]udp-socket.send-buffer-size", "[method]udp-socket.set-send-buffer-size",
        "[method]udp-socket.subscribe", "[method]incoming-datagram-stream.receive",
        "[method]incoming-datagram-stream.subscribe", "[method]outgoing-datagram-stream.check-send",
        "[method]outgoing-datagram-stream.send", "[method]outgoing-datagram-stream.subscribe"}) {
    linker.define_function(udp, m, denied);
  }
}

}  // namespace ironclad::wasi::p2
