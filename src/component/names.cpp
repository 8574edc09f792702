#include "component/names.h"

#include <charconv>

namespace ironclad::component {

namespace {

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// One fragment of a label: a word ([0-9a-z]+) or an acronym ([0-9A-Z]+); the first fragment
// must start with a letter.
bool is_fragment(std::string_view f, bool first) {
  if (f.empty()) return false;
  if (first && !is_lower(f[0]) && !is_upper(f[0])) return false;
  bool lower = false, upper = false;
  for (char c : f) {
    if (is_lower(c)) {
      lower = true;
    } else if (is_upper(c)) {
      upper = true;
    } else if (!is_digit(c)) {
      return false;
    }
  }
  return !(lower && upper);
}

// `words` of the spec: lowercase-only label fragments.
bool is_words(std::string_view s) {
  if (!is_label(s)) return false;
  for (char c : s) {
    if (is_upper(c)) return false;
  }
  return true;
}

std::optional<uint64_t> parse_number(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_semver_identifiers(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_lower(c) && !is_upper(c) && !is_digit(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

bool is_label(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t dash = s.find('-', start);
    std::string_view frag = s.substr(start, dash == std::string_view::npos ? s.npos : dash - start);
    if (!is_fragment(frag, first)) return false;
    if (dash == std::string_view::npos) return true;
    start = dash + 1;
    first = false;
  }
}

std::string SemVer::to_string() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) s += "-" + prerelease;
  if (!build.empty()) s += "+" + build;
  return s;
}

std::optional<SemVer> parse_semver(std::string_view s) {
  SemVer v;
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    v.build = std::string(s.substr(plus + 1));
    if (!is_semver_identifiers(v.build)) return std::nullopt;
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    v.prerelease = std::string(s.substr(dash + 1));
    if (!is_semver_identifiers(v.prerelease)) return std::nullopt;
    s = s.substr(0, dash);
  }
  size_t d1 = s.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  size_t d2 = s.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  auto major = parse_number(s.substr(0, d1));
  auto minor = parse_number(s.substr(d1 + 1, d2 - d1 - 1));
  auto patch = parse_number(s.substr(d2 + 1));
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

bool semver_compatible(const SemVer& wanted, const SemVer& provided) {
  if (!wanted.prerelease.empty() || !provided.prerelease.empty()) {
    return wanted.major == provided.major && wanted.minor == provided.minor &&
           wanted.patch == provided.patch && wanted.prerelease == provided.prerelease;
  }
  if (wanted.major != provided.major) return false;
  if (wanted.major > 0) return true;
  if (wanted.minor != provided.minor) return false;
  if (wanted.minor > 0) return true;
  return wanted.patch == provided.patch;
}

std::string ExternName::unversioned() const {
  if (kind != Kind::Interface) return text;
  size_t at = text.find('@');
  return at == std::string::npos ? text : text.substr(0, at);
}

std::string ExternName::uniqueness_key() const {
  switch (kind) {
    case Kind::Label:
      return lowercase(text);
    case Kind::Constructor:
      return "[constructor]" + lowercase(resource);
    case Kind::Method:
    case Kind::Static:
      if (lowercase(resource) == lowercase(member)) return lowercase(resource);
      return lowercase(resource) + "." + lowercase(member);
    case Kind::Interface:
    case Kind::Dependency:
      return lowercase(text);
  }
  return text;
}

std::optional<ExternName> parse_extern_name(std::string_view text, std::string* why) {
  ExternName n;
  n.text = std::string(text);
  auto fail = [&](std::string msg) -> std::optional<ExternName> {
    if (why) *why = std::move(msg);
    return std::nullopt;
  };
  auto quoted = "`" + std::string(text) + "`";
  auto annotated = [&](std::string_view prefix,
                       ExternName::Kind kind) -> std::optional<ExternName> {
    std::string_view rest = text.substr(prefix.size());
    n.kind = kind;
    if (kind == ExternName::Kind::Constructor) {
      if (!is_label(rest))
        return fail(quoted + ": `" + std::string(rest) + "` is not a kebab-case label");
      n.resource = std::string(rest);
      return n;
    }
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos)
      return fail(quoted + ": expected `resource.function` after " + std::string(prefix));
    n.resource = std::string(rest.substr(0, dot));
    n.member = std::string(rest.substr(dot + 1));
    if (!is_label(n.resource) || !is_label(n.member)) {
      return fail(quoted + ": resource and function names must be kebab-case labels");
    }
    return n;
  };
  if (text.starts_with("[constructor]"))
    return annotated("[constructor]", ExternName::Kind::Constructor);
  if (text.starts_with("[method]")) return annotated("[method]", ExternName::Kind::Method);
  if (text.starts_with("[static]")) return annotated("[static]", ExternName::Kind::Static);
  for (std::string_view dep :
       {"unlocked-dep=", "locked-dep=", "url=", "integrity=", "relative-url="}) {
    if (text.starts_with(dep)) {
      n.kind = ExternName::Kind::Dependency;
      return n;
    }
  }
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    if (!is_label(text)) return fail(quoted + " is not a valid kebab-case name");
    n.kind = ExternName::Kind::Label;
    n.member = n.text;
    return n;
  }
  // namespace:package/interface[@version]
  n.kind = ExternName::Kind::Interface;
  std::string_view rest = text;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view ver = rest.substr(at + 1);
    n.version = parse_semver(ver);
    if (!n.version) {
      // A canonical version ("0.2", "1") is allowed too.
      SemVer v;
      size_t dot = ver.find('.');
      auto major = parse_number(ver.substr(0, dot));
      if (!major) return fail(quoted + ": `" + std::string(ver) + "` is not a valid semver");
      v.major = *major;
      if (dot != std::string_view::npos) {
        auto minor = parse_number(ver.substr(dot + 1));
        if (!minor) return fail(quoted + ": `" + std::string(ver) + "` is not a valid semver");
        v.minor = *minor;
      }
      n.version = v;
    }
    rest = rest.substr(0, at);
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash < colon) {
    return fail(quoted + ": an interface name needs `namespace:package/interface`");
  }
  n.namespace_ = std::string(rest.substr(0, colon));
  n.package = std::string(rest.substr(colon + 1, slash - colon - 1));
  n.interface = std::string(rest.substr(slash + 1));
  // Nested namespaces and packages (`a:b:c/d/e`) are accepted word by word.
  auto all_words = [](std::string_view s, char sep, bool labels) {
    size_t start = 0;
    while (true) {
      size_t p = s.find(sep, start);
      std::string_view part = s.substr(start, p == std::string_view::npos ? s.npos : p - start);
      if (labels ? !is_label(part) : !is_words(part)) return false;
      if (p == std::string_view::npos) return true;
      start = p + 1;
    }
  };
  if (!all_words(n.namespace_, ':', false) || !all_words(n.package, ':', false) ||
      !all_words(n.interface, '/', true)) {
    return fail(quoted + " is not a valid interface name");
  }
  return n;
}

}  // namespace ironclad::component
