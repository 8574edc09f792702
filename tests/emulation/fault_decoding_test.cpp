// fault_error(): what a fault record turns into, with and without emulation. Every fault
// error fills Error::fault, so the recovery ladder and crash reports need not parse text.
#include "jit/fault_decoding.h"

#include <gtest/gtest.h>
#include <sys/ucontext.h>

#include <csignal>
#include <cstring>

#include "cpu/profiles.h"
#include "jit/emulation.h"

namespace ironclad::jit {
namespace {

// vpmullq xmm0, xmm0, xmm1 (EVEX: AVX512DQ + AVX512VL).
constexpr uint8_t kVpmullq[] = {0x62, 0xF2, 0xFD, 0x08, 0x40, 0xC1};
constexpr uint8_t kUd2[] = {0x0F, 0x0B};
// mov eax, dword ptr [rdi]
constexpr uint8_t kLoad[] = {0x8B, 0x07};
constexpr uintptr_t kPc = 0x7000'1000;

runtime::Activation fault_at(int signo, const uint8_t* bytes, size_t size) {
  runtime::Activation act;
  // The record is the thread's (shared by its activations): a fresh one, as a signal that
  // captured no registers would leave it, not an earlier test's.
  act.fault = runtime::FaultRecord{};
  act.reason = runtime::UnwindReason::Fault;
  act.fault.signo = signo;
  act.fault.pc = kPc;
  act.fault.fault_address = signo == SIGSEGV ? 0x10 : kPc;
  std::memcpy(act.fault.code_bytes, bytes, size);
  act.fault.code_size = static_cast<uint8_t>(size);
  return act;
}

const cpu::FeatureSet& alderlake_n() {
  return cpu::find_profile("alderlake-n")->features;
}
cpu::FeatureSet with_avx512() {
  return alderlake_n() | cpu::FeatureSet{cpu::X86::AVX512F, cpu::X86::AVX512DQ, cpu::X86::AVX512VL};
}

TEST(FaultDecoding, AnInstructionTheHostLacksIsACpuIncompatibilityWithDetails) {
  runtime::Activation act = fault_at(SIGILL, kVpmullq, sizeof kVpmullq);
  Error e = fault_error(act, with_avx512(), alderlake_n());
  EXPECT_EQ(e.kind, ErrorKind::CpuIncompatibility) << e.describe();
  EXPECT_NE(e.message.find("this CPU cannot execute vpmullq xmm0, xmm0, xmm1 [AVX512DQ_128] "
                           "(needs avx512dq+avx512vl)"),
            std::string::npos)
      << e.message;
  ASSERT_TRUE(e.fault);
  EXPECT_EQ(e.fault->signal, SIGILL);
  EXPECT_EQ(e.fault->pc, kPc);
  EXPECT_EQ(e.fault->mnemonic, "vpmullq");
  EXPECT_EQ(e.fault->instruction, "vpmullq xmm0, xmm0, xmm1");
  EXPECT_EQ(e.fault->isa_set, "AVX512DQ_128");
  EXPECT_EQ(e.fault->missing_features, (std::vector<std::string>{"avx512dq", "avx512vl"}));
  EXPECT_EQ(e.fault->compiled_for, with_avx512().llvm_names());
  EXPECT_EQ(e.fault->host_verified, alderlake_n().llvm_names());
  EXPECT_EQ(e.fault->emulated_cpu, "");
}

// The registers come out named, in the order people read them, from the ucontext order the
// runtime captured.
TEST(FaultDecoding, TheRegistersAreNamedInReadingOrder) {
  runtime::Activation act = fault_at(SIGSEGV, kLoad, sizeof kLoad);
  for (int i = 0; i < NGREG; ++i) act.fault.gregs[i] = 0x1000 + static_cast<uint64_t>(i);
  act.fault.gregs[REG_RIP] = kPc;
  act.fault.gregs[REG_RDI] = 0x10;
  Error e = fault_error(act, alderlake_n(), alderlake_n());
  ASSERT_TRUE(e.fault);
  const std::vector<std::string> names = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                          "rbp", "rsp", "r8",  "r9",  "r10", "r11",
                                          "r12", "r13", "r14", "r15", "rip", "eflags"};
  ASSERT_EQ(e.fault->registers.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(e.fault->registers[i].name, names[i]);
  EXPECT_EQ(e.fault->registers[0].value, 0x1000u + REG_RAX);
  EXPECT_EQ(e.fault->registers[5].value, 0x10u);  // rdi: the address the load used
  EXPECT_EQ(e.fault->registers[8].value, 0x1000u + REG_R8);
  EXPECT_EQ(e.fault->registers[16].value, kPc);
  EXPECT_EQ(e.fault->registers[17].value, 0x1000u + REG_EFL);
}

// A record with no machine state (never filled by a signal) shows no registers rather than
// eighteen zeros.
TEST(FaultDecoding, NoCapturedRegistersMeansNone) {
  Error e = fault_error(fault_at(SIGSEGV, kLoad, sizeof kLoad), alderlake_n(), alderlake_n());
  ASSERT_TRUE(e.fault);
  EXPECT_TRUE(e.fault->registers.empty());
}

TEST(FaultDecoding, AnyOtherFaultIsAnEngineFaultWithTheInstruction) {
  runtime::Activation act = fault_at(SIGSEGV, kLoad, sizeof kLoad);
  Error e = fault_error(act, alderlake_n(), alderlake_n());
  EXPECT_EQ(e.kind, ErrorKind::EngineFault) << e.describe();
  EXPECT_NE(e.message.find("unexpected fault in JIT code"), std::string::npos) << e.message;
  ASSERT_TRUE(e.fault);
  EXPECT_EQ(e.fault->signal, SIGSEGV);
  EXPECT_EQ(e.fault->address, 0x10u);
  EXPECT_EQ(e.fault->mnemonic, "mov");
  EXPECT_TRUE(e.fault->missing_features.empty());
}

// Under emulation the bytes at pc are the ud2 the emulation wrote; the report must be about
// the instruction that was there, from the side table.
TEST(FaultDecoding, APatchedInstructionIsDecodedFromItsOriginalBytes) {
  EmulationTable table;
  PatchedInstruction p;
  p.pc = kPc;
  p.length = sizeof kVpmullq;
  std::memcpy(p.original.data(), kVpmullq, sizeof kVpmullq);
  p.patch_size = 2;
  p.text = "vpmullq xmm0, xmm0, xmm1";
  p.isa_set = "AVX512DQ_128";
  p.missing_features = {"avx512dq", "avx512vl"};
  table.add(p);
  FaultContext c;
  c.compiled_for = with_avx512();
  c.host_verified = with_avx512();
  c.emulation = &table;
  c.emulated_features = alderlake_n();
  c.emulated_cpu = "alderlake-n";
  Error e = fault_error(fault_at(SIGILL, kUd2, sizeof kUd2), c);
  EXPECT_EQ(e.kind, ErrorKind::CpuIncompatibility) << e.describe();
  EXPECT_NE(e.message.find("this CPU (emulated alderlake-n) cannot execute vpmullq xmm0, xmm0, "
                           "xmm1 [AVX512DQ_128] (needs avx512dq+avx512vl)"),
            std::string::npos)
      << e.message;
  ASSERT_TRUE(e.fault);
  EXPECT_EQ(e.fault->instruction, "vpmullq xmm0, xmm0, xmm1");
  EXPECT_EQ(e.fault->emulated_cpu, "alderlake-n");
  EXPECT_EQ(e.fault->host_verified, alderlake_n().llvm_names());

  // A ud2 that the emulation did not write is not the emulated CPU's doing.
  runtime::Activation elsewhere = fault_at(SIGILL, kUd2, sizeof kUd2);
  elsewhere.fault.pc = kPc + 0x40;
  Error other = fault_error(elsewhere, c);
  EXPECT_EQ(other.kind, ErrorKind::EngineFault) << other.describe();
  ASSERT_TRUE(other.fault);
  EXPECT_EQ(other.fault->mnemonic, "ud2");
  EXPECT_EQ(other.fault->emulated_cpu, "alderlake-n");
}

}  // namespace
}  // namespace ironclad::jit
