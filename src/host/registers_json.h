// The fault's registers as JSON, one spelling for crash reports (fault.registers) and Sentry
// events (stacktrace.registers): {"rax": "0x2a", ...} in capture order.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "host/hex_text.h"
#include "ironclad/error.h"

namespace ironclad::host {

inline nlohmann::ordered_json registers_json(const std::vector<RegisterValue>& registers) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const RegisterValue& r : registers) out[r.name] = hex_address(r.value);
  return out;
}

}  // namespace ironclad::host
