#include "cpu/fingerprint.h"

#include <xxhash.h>

#include <cstdio>

#include "cpu/report.h"

namespace ironclad::cpu {

std::string Fingerprint::canonical() const {
  char fms[80];
  std::snprintf(fms, sizeof fms, "family=0x%x\nmodel=0x%x\nstepping=%u\n", family, model, stepping);
  return "ironclad-cpu-fingerprint 1\nvendor=" + vendor + "\n" + fms + "microcode=" + microcode +
         "\nkernel=" + kernel_release + "\narch=" + to_string(verified.arch()) +
         "\nverified=" + verified.names() + "\n";
}

uint64_t Fingerprint::hash() const {
  std::string text = canonical();
  return XXH3_64bits(text.data(), text.size());
}

std::string Fingerprint::hash_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash()));
  return buf;
}

Fingerprint fingerprint_of(const CpuReport& report) {
  Fingerprint f;
  f.vendor = report.vendor;
  f.family = report.family;
  f.model = report.model;
  f.stepping = report.stepping;
  f.microcode = report.microcode;
  f.kernel_release = report.kernel_release;
  f.verified = report.verified;
  return f;
}

}  // namespace ironclad::cpu
