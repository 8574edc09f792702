#include "cpu/kernel.h"

#include <sys/auxv.h>
#include <sys/utsname.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ironclad::cpu {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::set<std::string> split_words(std::string_view s) {
  std::set<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    size_t start = i;
    while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    if (i > start) out.emplace(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string KernelView::microcode_text() const {
  std::string out;
  for (const std::string& m : microcode) {
    if (!out.empty()) out += ',';
    out += m;
  }
  return out;
}

KernelView parse_cpuinfo(std::string_view text) {
  KernelView view;
  bool any_key = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (key == "flags") {
      any_key = true;
      std::set<std::string> words = split_words(value);
      if (!view.have_flags) {
        view.flags = std::move(words);
        view.have_flags = true;
      } else {
        std::set<std::string> both;
        std::set_intersection(view.flags.begin(), view.flags.end(), words.begin(), words.end(),
                              std::inserter(both, both.begin()));
        view.flags = std::move(both);
      }
    } else if (key == "microcode") {
      any_key = true;
      std::string m(value);
      if (std::find(view.microcode.begin(), view.microcode.end(), m) == view.microcode.end())
        view.microcode.push_back(m);
    } else if (key == "processor" || key == "vendor_id") {
      any_key = true;
    }
  }
  if (!any_key) {
    // A bare flags list.
    view.flags = split_words(text);
    view.have_flags = !view.flags.empty();
  }
  return view;
}

std::string describe_hwcap2(uint64_t hwcap2) {
  // arch/x86/include/uapi/asm/hwcap2.h
  std::string out;
  if (hwcap2 & 1) out += "RING3MWAIT";
  if (hwcap2 & 2) out += out.empty() ? "FSGSBASE" : " FSGSBASE";
  for (unsigned bit = 2; bit < 64; ++bit)
    if ((hwcap2 >> bit) & 1) out += (out.empty() ? "bit" : " bit") + std::to_string(bit);
  return out.empty() ? "none" : out;
}

KernelView read_kernel_view() {
  KernelView view;
  std::ifstream in("/proc/cpuinfo");
  if (in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    view = parse_cpuinfo(ss.str());
  }
  struct utsname u {};
  if (uname(&u) == 0) view.release = u.release;
  view.have_hwcap = true;
  view.hwcap = getauxval(AT_HWCAP);
  view.hwcap2 = getauxval(AT_HWCAP2);
  return view;
}

}  // namespace ironclad::cpu
