// A system library opened with dlopen at its first use, not by the dynamic loader at process
// start. Why: libcurl and libarchive bring some 35 libraries with them (TLS, Kerberos, LDAP,
// ICU, compressors) and cost every `ironclad` process ~15 ms before main(), while only the
// downloads of src/zed use them.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "ironclad/error.h"

namespace ironclad::zed {

class SystemLibrary {
 public:
  // Opens `soname` ("libcurl.so.4"); the library stays loaded for the life of the process.
  // The error names the library and what the dynamic loader said.
  static Result<SystemLibrary> open(const char* soname);

  // Binds `out` to the function `name`. A missing symbol is remembered, not returned, so a
  // table of functions is bound in one go and checked once with missing().
  template <typename F>
  void bind(const char* name, F*& out) {
    out = reinterpret_cast<F*>(lookup(name));
  }

  // The first symbol bind() did not find, as an error naming it and the library.
  std::optional<Error> missing() const;

 private:
  SystemLibrary(void* handle, std::string soname) : handle_(handle), soname_(std::move(soname)) {}
  void* lookup(const char* name);

  void* handle_;
  std::string soname_;
  std::string first_missing_;
};

// The table of functions `load` binds, loaded once per process (thread-safe) and kept, like
// its library, until the process ends; a failure is kept too and returned to every caller.
// One per Table type.
template <typename Table>
Result<const Table*> load_once(Result<Table> (*load)()) {
  static std::once_flag once;
  static std::optional<Result<Table>> loaded;
  std::call_once(once, [load] { loaded.emplace(load()); });
  if (!loaded->ok()) return loaded->error();
  return &loaded->value();
}

}  // namespace ironclad::zed
