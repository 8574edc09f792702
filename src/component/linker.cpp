#include "component/linker_impl.h"

namespace ironclad {

using component::ExternName;
using component::parse_extern_name;

ComponentLinker::ComponentLinker() : impl_(std::make_unique<Impl>()) {}
ComponentLinker::~ComponentLinker() = default;

ComponentLinker::Impl::Interface& ComponentLinker::Impl::get_or_create(std::string_view name) {
  for (auto& i : interfaces) {
    if (i->name == name) return *i;
  }
  auto i = std::make_unique<Interface>();
  i->name = std::string(name);
  i->unversioned = i->name;
  std::string why;
  if (auto parsed = parse_extern_name(name, &why);
      parsed && parsed->kind == ExternName::Kind::Interface) {
    i->unversioned = parsed->unversioned();
    i->version = parsed->version;
  }
  interfaces.push_back(std::move(i));
  return *interfaces.back();
}

const ComponentLinker::Impl::Interface* ComponentLinker::Impl::find(
    std::string_view import_name) const {
  for (const auto& i : interfaces) {
    if (i->name == import_name) return i.get();
  }
  std::string why;
  auto parsed = parse_extern_name(import_name, &why);
  if (!parsed || parsed->kind != ExternName::Kind::Interface || !parsed->version) return nullptr;
  const Interface* best = nullptr;
  for (const auto& i : interfaces) {
    if (i->unversioned != parsed->unversioned() || !i->version) continue;
    if (!component::semver_compatible(*parsed->version, *i->version)) continue;
    auto newer = [](const component::SemVer& a, const component::SemVer& b) {
      if (a.major != b.major) return a.major > b.major;
      if (a.minor != b.minor) return a.minor > b.minor;
      return a.patch > b.patch;
    };
    if (!best || newer(*i->version, *best->version)) best = i.get();
  }
  return best;
}

bool ComponentLinker::Impl::missing_allowed(std::string_view import_name) const {
  if (allowed_missing.count(std::string(import_name))) return true;
  std::string why;
  auto parsed = parse_extern_name(import_name, &why);
  return parsed && allowed_missing.count(parsed->unversioned());
}

void ComponentLinker::define_function(std::string_view interface, std::string_view name,
                                      ComponentHostFunction fn) {
  impl_->get_or_create(interface).functions[std::string(name)] = std::move(fn);
}

const ResourceType* ComponentLinker::define_resource(std::string_view interface,
                                                     std::string_view name,
                                                     std::function<void(uint32_t rep)> destructor) {
  auto& i = impl_->get_or_create(interface);
  auto r = std::make_unique<component::RuntimeResource>(std::string(interface), std::string(name));
  r->host_dtor = std::move(destructor);
  auto* raw = r.get();
  i.resources[std::string(name)] = std::move(r);
  return raw;
}

void ComponentLinker::allow_missing(std::string_view interface) {
  impl_->allowed_missing.insert(std::string(interface));
}

}  // namespace ironclad
