// ExtensionHost::load_component's component: RecoveringModule's ladder behind the public
// ComponentInstance interface.
#include "host/hosted_component.h"

#include <algorithm>
#include <mutex>

#include "component/instance.h"
#include "component/loader.h"
#include "wasm/module_file.h"

namespace ironclad::host {
namespace {

using EventSink = std::function<void(const HostEvent&)>;

class HostedComponentImpl final : public HostedComponent {
 public:
  HostedComponentImpl(ComponentLoadRequest request, EventSink sink)
      : request_(std::move(request)), sink_(std::move(sink)) {}

  Result<void> start(std::shared_ptr<const component::Component> component,
                     std::span<const uint8_t> bytes, RecoveryConfig config) {
    return locked([&]() -> Result<void> {
      config.on_event = [this](HostEvent e) { pending_.push_back(std::move(e)); };
      IRONCLAD_TRY_ASSIGN(module_, RecoveringModule::create_component(std::move(component), bytes,
                                                                      std::move(config)));
      return {};
    });
  }

  Result<std::optional<ComponentValue>> call(std::string_view export_name,
                                             std::vector<ComponentValue> args) override {
    const bool idempotent =
        std::find(request_.idempotent_exports.begin(), request_.idempotent_exports.end(),
                  export_name) != request_.idempotent_exports.end();
    return locked(
        [&] { return module_->call_component(export_name, std::move(args), idempotent); });
  }

  Result<void> drop(const ComponentValue& own) override {
    return locked([&]() -> Result<void> {
      component::ComponentInstanceImpl* instance = module_->component_instance();
      if (instance == nullptr) return disabled();
      return instance->drop(own);
    });
  }

  std::vector<std::string> function_names() const override {
    std::lock_guard lock(mutex_);
    component::ComponentInstanceImpl* instance = module_->component_instance();
    return instance ? instance->function_names() : std::vector<std::string>{};
  }

  ExtensionStatus status() const override {
    std::lock_guard lock(mutex_);
    ExtensionStatus s = module_->status();
    s.id = request_.id;
    s.name = request_.id;
    s.version = request_.version;
    return s;
  }

 private:
  // Runs `f` under the lock, then delivers the events it produced outside it (a handler may
  // call back into the component).
  template <class F>
  auto locked(F f) -> decltype(f()) {
    std::vector<HostEvent> events;
    auto result = [&] {
      std::lock_guard lock(mutex_);
      auto r = f();
      events.swap(pending_);
      return r;
    }();
    if (sink_)
      for (const HostEvent& e : events) sink_(e);
    return result;
  }

  Error disabled() const {
    return Error::make(ErrorKind::ExtensionDisabled,
                       "component '" + request_.id + "' is disabled: " + module_->status().reason);
  }

  const ComponentLoadRequest request_;
  const EventSink sink_;
  mutable std::mutex mutex_;  // serialises calls; guards module_ and pending_
  std::unique_ptr<RecoveringModule> module_;
  std::vector<HostEvent> pending_;
};

}  // namespace

Result<std::unique_ptr<HostedComponent>> load_hosted_component(ComponentLoadRequest request,
                                                               RecoveryConfig config,
                                                               EventSink on_event) {
  const std::string path = request.file.string();
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, wasm::read_file_bytes(path));
  static constexpr uint8_t kCoreModulePreamble[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  if (bytes.size() >= 8 && std::equal(bytes.begin(), bytes.begin() + 8, kCoreModulePreamble)) {
    return Error::make(ErrorKind::Usage, path +
                                             ": a core WebAssembly module, not a component "
                                             "(load it with ExtensionHost::load)");
  }
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<const component::Component> component,
                      component::load_component(bytes, path));
  if (request.id.empty()) request.id = request.file.filename().string();
  config.id = request.id;
  config.version = request.version;
  config.is_extension = false;
  config.module_path = request.file;
  config.define_component_imports = request.define_imports;
  auto hosted = std::make_unique<HostedComponentImpl>(std::move(request), std::move(on_event));
  IRONCLAD_TRY(hosted->start(std::move(component), bytes, std::move(config)));
  return std::unique_ptr<HostedComponent>(std::move(hosted));
}

}  // namespace ironclad::host
