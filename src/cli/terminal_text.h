// Text from outside Ironclad (a module's name section and import names, an extension's
// manifest, crash reports and quarantine records from the data directory, error messages
// that quote any of them) reaches the user's terminal through the CLI. Control characters in
// it could move the cursor, rewrite earlier lines, retitle the window or worse, so everything
// the CLI prints that it did not write itself goes through printable().
#pragma once

#include <string>
#include <string_view>

namespace ironclad::cli {

// `text` with every C0 control (newline and tab included), DEL, C1 control (U+0080..U+009F,
// CSI among them), bidirectional override or isolate, and byte that is not valid UTF-8
// written as a visible escape: \n, \t, \r, \e, \xNN or \u{9b}. Printable ASCII and other
// valid UTF-8 text pass unchanged.
std::string printable(std::string_view text);

}  // namespace ironclad::cli
