// The names of the extension host's enums, as status output, events and the quarantine use them.
#include "ironclad/extension_host.h"

namespace ironclad {

const char* to_string(ExtensionState state) {
  switch (state) {
    case ExtensionState::Running:
      return "running";
    case ExtensionState::Degraded:
      return "degraded";
    case ExtensionState::Disabled:
      return "disabled";
  }
  return "unknown";
}

// The quarantine stores these (QuarantineRecord::rung): never change a name.
const char* to_string(Rung rung) {
  switch (rung) {
    case Rung::Planned:
      return "planned";
    case Rung::Conservative:
      return "conservative";
    case Rung::Baseline:
      return "baseline";
    case Rung::Interpreter:
      return "interpreter";
  }
  return "unknown";
}

const char* to_string(HostEventKind kind) {
  switch (kind) {
    case HostEventKind::Loaded:
      return "loaded";
    case HostEventKind::Quarantined:
      return "quarantined";
    case HostEventKind::Restarted:
      return "restarted";
    case HostEventKind::Disabled:
      return "disabled";
    case HostEventKind::Enabled:
      return "enabled";
    case HostEventKind::Warning:
      return "warning";
    case HostEventKind::Note:
      return "note";
    case HostEventKind::Timeout:
      return "timeout";
    case HostEventKind::MemoryRefused:
      return "memory-refused";
  }
  return "unknown";
}

}  // namespace ironclad
