# Test fixtures are built from source at build time: .wat/.wast with wabt, C with clang-19
# targeting wasm32-wasi. Outputs land in ${CMAKE_BINARY_DIR}/fixtures.
find_program(WAT2WASM wat2wasm REQUIRED)
find_program(WAST2JSON wast2json REQUIRED)
find_program(CLANG19 clang-19 REQUIRED)
set(IRONCLAD_FIXTURE_DIR ${CMAKE_BINARY_DIR}/fixtures)
# Every C -> wasm32-wasi compile starts with this. clang runs binaryen's wasm-opt after an
# optimized wasm link whenever it finds one, which inlines, renames and drops functions, so a
# fixture (its backtraces, its function names) would depend on what else is installed.
# Fixtures must come out the same on every machine. clang's --no-wasm-opt cannot be used:
# Debian's clang 19.1.7 then skips the link step altogether (exit status 0, no output file).
# clang looks for wasm-opt in its -B directories first, so it finds one there that leaves
# the linked module as it is (clang runs it as `wasm-opt OUT -O2 -o OUT`).
set(IRONCLAD_NO_WASM_OPT_DIR ${CMAKE_BINARY_DIR}/no-wasm-opt)
file(MAKE_DIRECTORY ${IRONCLAD_NO_WASM_OPT_DIR})
file(WRITE ${IRONCLAD_NO_WASM_OPT_DIR}/wasm-opt
     "#!/bin/sh\n# Keeps clang from running binaryen's wasm-opt (cmake/WasmFixtures.cmake).\nexit 0\n")
file(CHMOD ${IRONCLAD_NO_WASM_OPT_DIR}/wasm-opt
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                 WORLD_EXECUTE)
set(IRONCLAD_WASM_CC ${CLANG19} --target=wasm32-wasi --sysroot=/usr -B${IRONCLAD_NO_WASM_OPT_DIR})
file(MAKE_DIRECTORY ${IRONCLAD_FIXTURE_DIR})

# wat_fixture(<target-list-var> file.wat ...): file.wat -> fixtures/file.wasm
function(wat_fixtures out_var)
  set(outputs)
  foreach(src ${ARGN})
    get_filename_component(stem ${src} NAME_WE)
    set(out ${IRONCLAD_FIXTURE_DIR}/${stem}.wasm)
    add_custom_command(OUTPUT ${out}
      COMMAND ${WAT2WASM} --enable-all ${src} -o ${out}
      DEPENDS ${src} COMMENT "wat2wasm ${stem}" VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  set(${out_var} ${${out_var}} ${outputs} PARENT_SCOPE)
endfunction()

# wast_fixtures(<var> file.wast ...): file.wast -> fixtures/wast/<stem>/<stem>.json (+ .wasm files)
function(wast_fixtures out_var)
  set(outputs)
  foreach(src ${ARGN})
    get_filename_component(stem ${src} NAME_WE)
    set(dir ${IRONCLAD_FIXTURE_DIR}/wast/${stem})
    set(out ${dir}/${stem}.json)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${WAST2JSON} ${src} -o ${out}
      DEPENDS ${src} COMMENT "wast2json ${stem}" VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  set(${out_var} ${${out_var}} ${outputs} PARENT_SCOPE)
endfunction()

# c_wasm_fixtures(<var> file.c ...): file.c -> fixtures/<stem>.wasm, a WASI command built -O2.
function(c_wasm_fixtures out_var)
  set(outputs)
  foreach(src ${ARGN})
    get_filename_component(stem ${src} NAME_WE)
    set(out ${IRONCLAD_FIXTURE_DIR}/${stem}.wasm)
    add_custom_command(OUTPUT ${out}
      COMMAND ${IRONCLAD_WASM_CC} -O2
              -D_WASI_EMULATED_PROCESS_CLOCKS ${src} -o ${out} -lwasi-emulated-process-clocks
      DEPENDS ${src} COMMENT "clang wasm32-wasi ${stem}" VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  set(${out_var} ${${out_var}} ${outputs} PARENT_SCOPE)
endfunction()
