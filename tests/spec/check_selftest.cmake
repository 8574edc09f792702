# Runs `ironclad spectest` on runner_selftest.json, a script that is wrong on purpose, and
# checks that every deliberate failure is reported, with the totals as the last line.
# Usage: cmake -DIRONCLAD=<exe> -DSCRIPT=<json> -P check_selftest.cmake
execute_process(COMMAND ${IRONCLAD} spectest ${SCRIPT}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1, got '${status}'\n${out}${err}")
endif()
# Regular expressions, one per expected line (the script's line numbers are in them).
set(expected_lines
  "runner_selftest.json:12: assert_return: invoke \"one\"\\(\\): expected i32:2, got i32:1\n"
  "runner_selftest.json:14: assert_return: invoke \"quiet-nan-with-payload\"\\(\\): expected f32:nan:canonical, got f32:0x7fc00001"
  "runner_selftest.json:17: assert_trap: invoke \"div\"\\(i32:1\\): expected trap \"integer divide by zero\", got results i32:1\n"
  "runner_selftest.json:19: assert_trap: invoke \"div\"\\(i32:0\\): expected trap \"unreachable\", got trap: "
  "runner_selftest.json:21: assert_exhaustion: invoke \"one\"\\(\\): expected \"call stack exhausted\", got results i32:1\n"
  "runner_selftest.json:23: assert_malformed: expected malformed module \\(\"unexpected end\"\\), but the module was accepted\n"
  "runner_selftest.json:25: assert_invalid: expected invalid module \\(\"type mismatch\"\\), got malformed module: "
  "runner_selftest.json:31: module: link error: [^\n]*nowhere"
  "runner_selftest.json:33: assert_return: invoke \\$broken \"g\"\\(\\): expected \\(\\), got usage error: module \\$broken \\(line 31\\) failed to load\n"
  "\n1 warnings: right kind of error, text differs from the spec's"
  "\n4 passed, 9 failed, 1 skipped\n$")
foreach(line IN LISTS expected_lines)
  if(NOT out MATCHES "${line}")
    message(FATAL_ERROR "missing from the output: ${line}\n--- output ---\n${out}${err}")
  endif()
endforeach()
