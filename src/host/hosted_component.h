// The HostedComponent ExtensionHost::load_component returns: a RecoveringModule made from a
// component, with calls serialised and events delivered outside the lock.
#pragma once

#include <functional>
#include <memory>

#include "host/recovering_module.h"
#include "ironclad/extension_host.h"

namespace ironclad::host {

// Loads the component file and puts it on the ladder `config` describes (config.id, the
// component imports and on_event are set here from `request` and `on_event`).
Result<std::unique_ptr<HostedComponent>> load_hosted_component(
    ComponentLoadRequest request, RecoveryConfig config,
    std::function<void(const HostEvent&)> on_event);

}  // namespace ironclad::host
