// Import and export names of the Component Model: plain names (`get-settings`,
// `[method]worktree.id`), interface names (`wasi:io/streams@0.2.6`), and the semver rules
// by which an import built against one version links to a provider of a compatible one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ironclad::component {

// `label` of the spec: kebab-case words or acronyms ("get-JSON", "a1-2-3").
bool is_label(std::string_view s);

struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // after '-', may be empty
  std::string build;       // after '+', may be empty
  std::string to_string() const;
};
std::optional<SemVer> parse_semver(std::string_view s);

// Whether something built against `wanted` links to a provider of `provided`: the same
// "canonical version" (1.2.3 -> 1, 0.2.6 -> 0.2, 0.0.3 -> 0.0.3); a pre-release matches
// only itself. The provider's patch may be older or newer (the spec's canonical interface
// names make both directions link; the functions a newer import needs are checked one by one).
bool semver_compatible(const SemVer& wanted, const SemVer& provided);

struct ExternName {
  enum class Kind : uint8_t {
    Label,        // get-settings
    Constructor,  // [constructor]r
    Method,       // [method]r.f
    Static,       // [static]r.f
    Interface,    // ns:pkg/iface@version
    Dependency,   // unlocked-dep=<...>, locked-dep=<...>, url=<...>, integrity=<...>
  };
  Kind kind = Kind::Label;
  std::string text;      // the whole name as written
  std::string resource;  // Constructor, Method, Static: the resource's label
  std::string member;    // Method, Static: the function's label; Label: the label
  // Interface: "wasi", "io", "streams", "0.2.6" (version empty when there is none).
  std::string namespace_, package, interface;
  std::optional<SemVer> version;

  // "wasi:io/streams" (the interface without its version); the text for other kinds.
  std::string unversioned() const;
  // The spec's strongly-unique canonical form: two names clash when these are equal.
  std::string uniqueness_key() const;
};

// Parses a name; on failure returns nullopt and sets `why` ("`Foo_bar` is not a valid
// kebab-case label").
std::optional<ExternName> parse_extern_name(std::string_view text, std::string* why);

}  // namespace ironclad::component
