# Runs `ironclad spectest` on bad_script.json, whose every command is broken, and checks
# that each is reported as a failure with a reason and that the run still ends with the
# totals line (no crash, exit status 1).
# Usage: cmake -DIRONCLAD=<exe> -DSCRIPT=<json> -P check_bad_script.cmake
execute_process(COMMAND ${IRONCLAD} spectest ${SCRIPT}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1, got '${status}'\n${out}${err}")
endif()
set(expected_lines
  "bad_script.json:1: module: usage error: the command has no \"filename\"\n"
  "bad_script.json:2: script: a command without a \"type\" string\n"
  "bad_script.json:3: assert_return: invoke \"f\": expected \\(\\), got usage error: bad i32 value \"x\": expected an unsigned decimal number\n"
  "bad_script.json:4: assert_return: bad expected value: the i32 value has no \"value\" string\n"
  "bad_script.json:5: register: no module: the module at line 1 failed to load\n"
  "bad_script.json:6: no_such_command: unknown command type\n"
  "bad_script.json:7: assert_trap: action: expected trap \"\", got usage error: the command has no \"action\" object\n"
  "bad_script.json:8: module: i/o error: cannot open module file [^\n]*no-such-file.wasm\n"
  "bad_script.json:9: assert_invalid: expected invalid module \\(\"type mismatch\"\\), got malformed module: [^\n]*magic header not detected\n"
  "bad_script.json:0: script: a command without a \"type\" string\n"
  "bad_script.json:11: action: get \\$nowhere \"g\": usage error: no module named \\$nowhere\n"
  "bad_script.json:12: assert_return: invoke \"f\": expected \\(\\), got usage error: unknown v128 lane type \"i128\"\n"
  "\n0 passed, 12 failed, 0 skipped\n$")
foreach(line IN LISTS expected_lines)
  if(NOT out MATCHES "${line}")
    message(FATAL_ERROR "missing from the output: ${line}\n--- output ---\n${out}${err}")
  endif()
endforeach()
