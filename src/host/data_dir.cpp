// Where the host keeps its quarantine and crash reports when the embedder names no place.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "host/crash_report.h"

namespace ironclad::host {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::filesystem::path home_dir() {
  std::string home = env("HOME");
  if (!home.empty()) return home;
  // No $HOME (a service, a stripped environment): the password database's entry.
  struct passwd entry {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (getpwuid_r(::getuid(), &entry, buf, sizeof buf, &found) == 0 && found && found->pw_dir)
    return found->pw_dir;
  return {};
}

}  // namespace

std::filesystem::path default_data_dir() {
  std::string explicit_dir = env("IRONCLAD_DATA_DIR");
  if (!explicit_dir.empty()) return explicit_dir;
  // The XDG Base Directory spec: a relative $XDG_DATA_HOME is invalid and ignored.
  std::filesystem::path xdg = env("XDG_DATA_HOME");
  if (xdg.is_absolute()) return xdg / "ironclad";
  std::filesystem::path home = home_dir();
  if (!home.empty()) return home / ".local" / "share" / "ironclad";
  // Nowhere better: the working directory.
  return std::filesystem::path(".ironclad");
}

}  // namespace ironclad::host
