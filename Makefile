# Ironclad: the two commands of the README, and a few more.
#   make run            install what is missing, build (Release), run the main demo
#   make test           install what is missing, build, run every test through ctest
#   make test-sanitize  the same tests in an ASan+UBSan build
#   make test-tsan      the tier-up tests (tests/tiered, spec_tiered.*) in a ThreadSanitizer build
#   make bench          the benchmark table (bench/run.sh)
#   make fuzz           the libFuzzer targets, short fixed runs (ASan+UBSan build, docs/fuzzing.md)
#   make corpus         every real program in every tier and node vs its native build (docs/corpus.md)
JOBS ?= 2
CXX := clang++-19
CC := clang-19
BUILD ?= build
SAN_BUILD ?= build-sanitize
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
# ccache, when this machine has it (a developer convenience; the build never needs it).
LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CMAKE_FLAGS := -G Ninja -DCMAKE_C_COMPILER=$(CC) -DCMAKE_CXX_COMPILER=$(CXX) $(LAUNCHER)

.PHONY: deps build run test test-sanitize test-tsan fuzz bench corpus clean format

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 600

test-sanitize: deps
	cmake -S . -B $(SAN_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DIRONCLAD_SANITIZE=ON
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 1200

# The tests that run threads against each other (the tiered tier's compile thread publishing
# machine code while the store's thread calls; docs/tiering.md) in a ThreadSanitizer build.
# Only what they need is built; any report fails the test (TSan exits with 66).
TSAN_TESTS := ^(tsan\.|spec_tiered\.)
test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIRONCLAD_TSAN=ON
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target tiered_tests ironclad spec_scripts
	cd $(TSAN_BUILD) && TSAN_OPTIONS="second_deadlock_stack=1 $(TSAN_OPTIONS)" \
	  ctest -j $(JOBS) --output-on-failure --timeout 1200 -R '$(TSAN_TESTS)'

# A separate sanitized build with the libFuzzer targets; runs their fixed-length ctest entries.
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIRONCLAD_FUZZ=ON -DIRONCLAD_SANITIZE=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	cd $(FUZZ_BUILD) && ctest -R '^fuzz_' --output-on-failure

bench: build
	bash bench/run.sh $(BUILD)

# The whole corpus at full size in every tier and node; the table goes to build/corpus/table.md.
corpus: build
	python3 corpus/driver.py check --out $(BUILD)/corpus --ironclad $(BUILD)/src/cli/ironclad --table $(BUILD)/corpus/table.md

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i
