// The machine and engine a report was written on: the same fields in every kind of report
// (a CPU fault's, an engine fault's, a limit's).
#include "cpu/fingerprint.h"
#include "cpu/host.h"
#include "host/crash_report.h"

#ifndef IRONCLAD_ENGINE_VERSION
#define IRONCLAD_ENGINE_VERSION "unknown"
#endif

namespace ironclad::host {

void describe_this_machine(CrashReport& report) {
  const cpu::CpuReport& cpu = cpu::host_cpu();
  report.cpu_fingerprint = cpu::fingerprint_of(cpu).hash_hex();
  report.cpu_model = cpu.vendor + " " + cpu.signature_text();
  report.kernel_release = cpu.kernel_release;
  report.engine_version = IRONCLAD_ENGINE_VERSION;
}

}  // namespace ironclad::host
