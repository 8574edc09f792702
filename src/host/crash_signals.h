// Signal names for crash reports and Sentry events ("SIGILL"), independent of the C
// library's strsignal text, which is localised and not a name.
#pragma once

#include <string>

namespace ironclad::host {

// "SIGILL", "SIGSEGV", ...; "SIG<n>" for a number without a name here; "" for 0.
std::string signal_name(int signal);

}  // namespace ironclad::host
