#include "zed/system_library.h"

#include <dlfcn.h>

namespace ironclad::zed {

Result<SystemLibrary> SystemLibrary::open(const char* soname) {
  // RTLD_LOCAL: its symbols serve only the tables bound from it.
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Error::make(ErrorKind::Io, std::string("cannot load ") + soname + ": " +
                                          (why ? why : "unknown dynamic loader error"));
  }
  return SystemLibrary(handle, soname);
}

void* SystemLibrary::lookup(const char* name) {
  void* symbol = dlsym(handle_, name);
  if (!symbol && first_missing_.empty()) first_missing_ = name;
  return symbol;
}

std::optional<Error> SystemLibrary::missing() const {
  if (first_missing_.empty()) return std::nullopt;
  return Error::make(ErrorKind::Io, soname_ + " has no function " + first_missing_ +
                                        " (older than the version this build was made against?)");
}

}  // namespace ironclad::zed
