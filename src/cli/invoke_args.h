// Command-line values for `ironclad run --invoke NAME VALUES...`, parsed by the export's
// parameter types: integers in decimal (signed or unsigned) or 0x hex, floats in decimal
// or inf / -inf / nan.
#pragma once

#include <string_view>

#include "ironclad/error.h"
#include "ironclad/value.h"

namespace ironclad::cli {

// A Usage error saying what was expected when `text` is not a value of `type`.
Result<Value> parse_value(std::string_view text, ValType type);

}  // namespace ironclad::cli
