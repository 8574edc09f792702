# Runs scripts/run-official-spectests.sh on tests/spec itself (our scripts, one of which,
# runner_selftest, fails on purpose) and checks its per-file lines, failure categories and
# totals, so the harness used for the official suite is tested without the suite.
# Usage: cmake -DHARNESS=<script> -DSUITE=<dir of .wast> -DBUILD=<build dir> -P check_harness.cmake
execute_process(COMMAND bash ${HARNESS} ${SUITE} ${BUILD}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1 (runner_selftest fails), got '${status}'\n${out}${err}")
endif()
file(GLOB scripts ${SUITE}/*.wast)
list(LENGTH scripts count)
set(expected_lines
  "(^|\n)arith +[1-9][0-9]* passed +0 failed +0 skipped\n"
  "\nmalformed +[1-9][0-9]* passed +0 failed +1 skipped\n"
  "\nrunner_selftest +4 passed +9 failed +1 skipped\n"
  "failures by category \\(command: what came instead\\):\n"
  " +1 assert_malformed: module accepted\n"
  " +2 assert_return: wrong result\n"
  " +1 module: link error\n"
  "\nfiles: ${count}, of which 0 did not finish\n"
  "\ntotal: [0-9]+ passed, 9 failed, 2 skipped\n$")
foreach(line IN LISTS expected_lines)
  if(NOT out MATCHES "${line}")
    message(FATAL_ERROR "missing from the output: ${line}\n--- output ---\n${out}${err}")
  endif()
endforeach()
